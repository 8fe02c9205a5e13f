import { DomainError } from '../shared/errors';

/** At least one SKU of a reservation has less available stock than asked (or does not exist). */
export class OutOfStockError extends DomainError {
  override readonly code = 'OUT_OF_STOCK';

  constructor(readonly skus: readonly string[]) {
    super(`Not enough stock for ${skus.join(', ')}`);
  }
}

/** No stock level was ever set for the SKU. */
export class SkuNotFoundError extends DomainError {
  override readonly code = 'SKU_NOT_FOUND';

  constructor(readonly sku: string) {
    super(`SKU ${sku} not found`);
  }
}

/**
 * Committing a reservation the order does not hold: none was made, or it was released. (Committing one
 * already committed is a harmless repeat, not this error.)
 */
export class ReservationNotHeldError extends DomainError {
  override readonly code = 'RESERVATION_NOT_HELD';

  constructor(
    readonly orderId: string,
    /** The reservation's status, or undefined when the order has none. */
    readonly status: string | undefined,
  ) {
    super(
      status === undefined
        ? `Order ${orderId} holds no reservation`
        : `The reservation of order ${orderId} is ${status}, not RESERVED`,
    );
  }
}
