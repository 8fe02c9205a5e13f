import { jsonApi } from '../http/json-api';
import { reviewsStore } from '../composition-root/stores';

/** GET /reviews: orders waiting for a reviewer (without their task tokens), leaving out those timed out. */
export const handler = jsonApi(
  async () => ({
    status: 200,
    body: {
      items: (await reviewsStore().pending(100, new Date())).map(
        ({ orderId, total, requestedAt, expiresAt }) => ({
          orderId,
          total,
          requestedAt,
          ...(expiresAt === undefined ? {} : { expiresAt }),
        }),
      ),
    },
  }),
  { withBody: false },
);
