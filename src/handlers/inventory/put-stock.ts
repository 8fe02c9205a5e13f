import * as E from 'fp-ts/Either';
import { parseStockLevel } from '../../domain/inventory';
import { jsonApi } from '../http/json-api';
import { inventoryStore } from './dependencies';

/** `PUT /inventory/{sku}` `{available}`: sets the SKU's available stock; 200 with the SKU's view. */
export const handler = jsonApi(
  async (request) => {
    const level = parseStockLevel(request.path.sku, request.body);
    if (E.isLeft(level)) throw level.left;
    const view = await inventoryStore().setStock(level.right.sku, level.right.available);
    return { status: 200, body: view };
  },
  { withBody: true },
);
