import { renderError } from '../../../src/handlers/http/json-api';
import { OutOfStockError, ReservationNotHeldError, SkuNotFoundError } from '../../../src/domain/inventory';

describe('inventory errors over HTTP', () => {
  it.each([
    [new SkuNotFoundError('SKU-1'), 404, 'SKU_NOT_FOUND'],
    [new OutOfStockError(['SKU-1']), 409, 'OUT_OF_STOCK'],
    [new ReservationNotHeldError('o1', undefined), 409, 'RESERVATION_NOT_HELD'],
  ])('renders %s as %i %s', (error, status, code) => {
    const result = renderError(error, 'req-1');
    expect(result.statusCode).toBe(status);
    expect(JSON.parse(result.body ?? '')).toEqual({ error: { code, message: error.message, details: [] } });
  });
});
