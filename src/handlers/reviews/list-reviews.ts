import { jsonApi } from '../http/json-api';
import { reviewsStore } from '../saga/review-steps';

/** GET /reviews: orders waiting for a reviewer (without their task tokens). */
export const handler = jsonApi(
  async () => ({
    status: 200,
    body: {
      items: (await reviewsStore().pending(100)).map(({ orderId, total, requestedAt }) => ({
        orderId,
        total,
        requestedAt,
      })),
    },
  }),
  { withBody: false },
);
