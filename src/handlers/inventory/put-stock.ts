import * as E from 'fp-ts/Either';
import { parseStockLevel } from '../../domain/inventory';
import { jsonApi } from '../http/json-api';
import { inventoryStore } from '../composition-root/stores';

/**
 * `PUT /inventory/{sku}` `{available, unitPrice?, currency?}`: sets the SKU's available stock and, when
 * given, its catalogue price (kept when absent); 200 with the SKU's view. The SKU is stored upper case.
 */
export const handler = jsonApi(
  async (request) => {
    const level = parseStockLevel(request.path.sku, request.body);
    if (E.isLeft(level)) throw level.left;
    const { sku, available, price } = level.right;
    const view = await inventoryStore().setStock(sku, available, price);
    return { status: 200, body: view };
  },
  { withBody: true },
);
