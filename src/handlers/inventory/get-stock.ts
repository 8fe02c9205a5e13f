import * as E from 'fp-ts/Either';
import { parseSku, SkuNotFoundError } from '../../domain/inventory';
import { jsonApi } from '../http/json-api';
import { inventoryStore } from '../composition-root/stores';

/** `GET /inventory/{sku}`: 200 `{sku, available, reserved, unitPrice?, currency?}`, or 404 SKU_NOT_FOUND. */
export const handler = jsonApi(
  async (request) => {
    const sku = parseSku(request.path.sku);
    if (E.isLeft(sku)) throw sku.left;
    const view = await inventoryStore().get(sku.right);
    if (!view) throw new SkuNotFoundError(sku.right);
    return { status: 200, body: view };
  },
  { withBody: false },
);
