export default async function globalTeardown(): Promise<void> {
  await globalThis.__ORDERFLOW_STACK__?.stop();
}
