import { SimulatorHttpError, type SimResponse } from './errors';

interface Remembered {
  readonly fingerprint: string;
  readonly response: SimResponse;
}

/**
 * Responses remembered per (endpoint, Idempotency-Key), in memory. A request whose key is known
 * replays the remembered response if it is the same request (same fingerprint), and is refused with
 * 422 `idempotency_key_reused` if it is not.
 */
export class IdempotencyStore {
  private readonly remembered = new Map<string, Remembered>();

  private static slot(endpoint: string, key: string): string {
    return `${endpoint}\u0000${key}`;
  }

  /** The response to replay, or undefined when the key is new on this endpoint. */
  lookup(endpoint: string, key: string, fingerprint: string): SimResponse | undefined {
    const known = this.remembered.get(IdempotencyStore.slot(endpoint, key));
    if (!known) return undefined;
    if (known.fingerprint !== fingerprint) {
      throw new SimulatorHttpError(
        422,
        'idempotency_key_reused',
        `Idempotency-Key "${key}" was already used for a different ${endpoint} request`,
      );
    }
    return known.response;
  }

  remember(endpoint: string, key: string, fingerprint: string, response: SimResponse): void {
    this.remembered.set(IdempotencyStore.slot(endpoint, key), { fingerprint, response });
  }

  clear(): void {
    this.remembered.clear();
  }
}
