import { documentClient } from '../../adapters/dynamodb/document-client';
import { requiredEnv } from '../../adapters/env';
import { InventoryStore } from '../../adapters/dynamodb/inventory-store';

// Built on first use, once per container, from the table functions/inventory.yml hands each function.
let store: InventoryStore | undefined;

export const inventoryStore = (): InventoryStore =>
  (store ??= new InventoryStore(documentClient(), requiredEnv('INVENTORY_TABLE')));
