import { parseSku, SkuNotFoundError } from '../../domain/inventory';
import { unwrap } from '../../domain/shared/unwrap';
import { jsonApi } from '../http/json-api';
import { inventoryStore } from '../composition-root/stores';

/** `GET /inventory/{sku}`: 200 `{sku, available, reserved, unitPrice?, currency?}`, or 404 SKU_NOT_FOUND. */
export const handler = jsonApi(
  async (request) => {
    const sku = unwrap(parseSku(request.path.sku));
    const view = await inventoryStore().get(sku);
    if (!view) throw new SkuNotFoundError(sku);
    return { status: 200, body: view };
  },
  { withBody: false },
);
