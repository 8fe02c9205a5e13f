import { paymentSimulatorPortFromEnv } from './config';
import { PaymentSimulator } from './simulator';

/** Standalone payment provider simulator: `tsx src/local/payments/main.ts` (PAYMENT_PROVIDER_PORT, default 4010). */
async function main(): Promise<void> {
  const simulator = await PaymentSimulator.start({ port: paymentSimulatorPortFromEnv(process.env) });
  process.stdout.write(`payment simulator ready: ${simulator.url}\n`);

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`payment simulator: ${signal}, stopping\n`);
    simulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`payment simulator: stop failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `payment simulator: could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
