import { parseStockLevel } from '../../domain/inventory';
import { unwrap } from '../../domain/shared/unwrap';
import { jsonApi } from '../http/json-api';
import { inventoryStore } from '../composition-root/stores';

/**
 * `PUT /inventory/{sku}` `{available, unitPrice?, currency?}`: sets the SKU's available stock and, when
 * given, its catalogue price (kept when absent); 200 with the SKU's view. The SKU is stored upper case.
 */
export const handler = jsonApi(
  async (request) => {
    const { sku, available, price } = unwrap(parseStockLevel(request.path.sku, request.body));
    const view = await inventoryStore().setStock(sku, available, price);
    return { status: 200, body: view };
  },
  { withBody: true },
);
