import type { CommandObserver } from '../../../application';
import { logger } from './logger';
import { orderMetrics } from './metrics';

/**
 * What every recorded append tells: the `events recorded` line and, for an outcome, its count and the
 * saga's duration from OrderPlaced. Only an append that succeeded gets here, so a redelivered message
 * or a retried step counts nothing.
 */
export const recordedEvents: CommandObserver = {
  appended({ before, events, version, at, causationId }) {
    logger.info('events recorded', { events: events.map((event) => event.type), version, causationId });
    const sagaMs = Math.max(0, Date.parse(at) - Date.parse(before.createdAt));
    for (const event of events) {
      if (event.type === 'OrderConfirmed') {
        orderMetrics.confirmed();
        orderMetrics.sagaDuration('CONFIRMED', sagaMs);
      } else if (event.type === 'OrderCancelled') {
        orderMetrics.cancelled(event.data.reason);
        orderMetrics.sagaDuration('CANCELLED', sagaMs);
      }
    }
  },
};
