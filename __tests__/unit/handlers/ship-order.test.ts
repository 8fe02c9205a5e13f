import type { SQSRecord } from 'aws-lambda';
import { shipOrder } from '../../../src/handlers/saga/ship-order';

const record = (body: string): SQSRecord => ({ messageId: 'm-1', body }) as SQSRecord;

/* A malformed shipping request fails before any AWS call, naming what is wrong, so it ends in the DLQ. */
describe('shipOrder refuses a malformed shipping request', () => {
  it('names every missing or wrong field', async () => {
    await expect(shipOrder(record(JSON.stringify({ orderId: 7 })))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: expect.arrayContaining([
        expect.objectContaining({ path: 'orderId' }),
        expect.objectContaining({ path: 'taskToken' }),
      ]),
    });
  });

  it('says when the body is not JSON', async () => {
    await expect(shipOrder(record('{not json'))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: 'body', rule: 'json' }],
    });
  });
});
