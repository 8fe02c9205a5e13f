export const DEFAULT_PAYMENT_PROVIDER_PORT = 4010;

export class PaymentSimulatorConfigError extends Error {
  override readonly name = 'PaymentSimulatorConfigError';
}

/** The simulator's port from `PAYMENT_PROVIDER_PORT` (default 4010; 0 picks a free one). */
export function paymentSimulatorPortFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.PAYMENT_PROVIDER_PORT;
  if (raw === undefined || raw.trim() === '') return DEFAULT_PAYMENT_PROVIDER_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new PaymentSimulatorConfigError(
      `PAYMENT_PROVIDER_PORT must be a port number (0-65535), got "${raw}"`,
    );
  }
  return port;
}
