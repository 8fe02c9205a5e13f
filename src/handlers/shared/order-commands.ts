import { handleCommand, type HandleCommandOptions } from '../../application';
import type { OrderCommand, OrderEvent, OrderState } from '../../domain/orders';
import type { OrderEventStore } from '../../ports/order-event-store';
import { recordedEvents } from './observability';

export { loadOrder, loadOrderStream, type LoadedOrder } from '../../application';

/** The application's handleCommand with the handlers' observer (the `events recorded` line and metrics). */
export const record = (
  store: OrderEventStore,
  command: OrderCommand,
  causationId: string,
  options: Omit<HandleCommandOptions, 'observer'> = {},
): Promise<{ state: OrderState; appended: OrderEvent[] }> =>
  handleCommand(store, command, causationId, { ...options, observer: recordedEvents });
