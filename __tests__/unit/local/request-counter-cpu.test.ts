import { RequestCounter } from '../../../src/local/metrics/request-counter';

/** Work the process does on its own thread, so that its CPU time must show in the counter. */
const burnCpu = (ms: number) => {
  const until = process.cpuUsage().user / 1000 + ms;
  let spins = 0;
  while (process.cpuUsage().user / 1000 < until) spins += 1;
  return spins;
};

describe('RequestCounter: the runtime process CPU time since the reset', () => {
  it('counts CPU spent after the reset, and starts again from zero at the next reset', () => {
    const counter = new RequestCounter();
    expect(burnCpu(50)).toBeGreaterThan(0);
    const worked = counter.snapshot().cpuMs;
    expect(worked?.user).toBeGreaterThanOrEqual(50);

    const before = counter.reset();
    expect(before.cpuMs?.user).toBeGreaterThanOrEqual(50);
    const fresh = counter.snapshot().cpuMs;
    expect(fresh?.user).toBeLessThan(worked?.user ?? 0);
  });
});
