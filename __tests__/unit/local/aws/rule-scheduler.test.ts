/** The schedule rules' timers, on Jest's fake clock: when ticks fire, at what scale, and that stop clears them. */
import type { Rule } from '../../../../src/local/aws/eventbridge/model';
import { RuleScheduler } from '../../../../src/local/aws/eventbridge/scheduler';

const START = Date.parse('2024-05-01T10:00:00Z');

const rule = (scheduleExpression: string, state: Rule['state'] = 'ENABLED'): Rule => ({
  name: 'r',
  arn: 'arn:aws:events:us-east-1:000000000000:rule/r',
  busName: 'default',
  scheduleExpression,
  state,
  targets: new Map(),
});

function scheduler(timeScale = 1) {
  const fired: string[] = [];
  const live = new Set<Rule>();
  const rules = new RuleScheduler({
    clock: () => Date.now(),
    timeScale,
    fire: (fire, dueAt) => fired.push(`${fire.name}@${new Date(dueAt).toISOString()}`),
    isLive: (candidate) => live.has(candidate) && candidate.state !== 'DISABLED',
  });
  return { rules, fired, live };
}

beforeEach(() => {
  jest.useFakeTimers({ now: START });
});
afterEach(() => {
  jest.useRealTimers();
});

describe('RuleScheduler', () => {
  it('fires a rate at real time when the scale is 1, a period after the rule got its schedule', () => {
    const { rules, fired, live } = scheduler();
    const every = rule('rate(1 minute)');
    live.add(every);
    rules.start([every]);
    jest.advanceTimersByTime(59_999);
    expect(fired).toEqual([]);
    jest.advanceTimersByTime(120_001);
    expect(fired).toEqual([
      'r@2024-05-01T10:01:00.000Z',
      'r@2024-05-01T10:02:00.000Z',
      'r@2024-05-01T10:03:00.000Z',
    ]);
  });

  it('runs schedule time faster by the scale: rate(1 minute) every second, a cron minute every second', () => {
    const { rules, fired, live } = scheduler(60);
    const rate = rule('rate(1 minute)');
    const cron = { ...rule('cron(* * * * ? *)'), name: 'c' };
    live.add(rate).add(cron);
    rules.start([rate, cron]);
    jest.advanceTimersByTime(3_000);
    expect(fired.filter((tick) => tick.startsWith('r@'))).toEqual([
      'r@2024-05-01T10:00:01.000Z',
      'r@2024-05-01T10:00:02.000Z',
      'r@2024-05-01T10:00:03.000Z',
    ]);
    expect(fired.filter((tick) => tick.startsWith('c@'))).toHaveLength(3);
  });

  it('skips the ticks a stalled event loop missed instead of firing them in a burst', () => {
    const { rules, fired, live } = scheduler();
    const every = rule('rate(1 minute)');
    live.add(every);
    rules.start([every]);
    // The clock jumps five minutes while the first timer is still pending, as when the loop is blocked.
    jest.setSystemTime(START + 5 * 60_000 + 30_000);
    jest.advanceTimersByTime(60_000);
    expect(fired).toEqual(['r@2024-05-01T10:01:00.000Z']);
    jest.advanceTimersByTime(60_000);
    expect(fired).toEqual(['r@2024-05-01T10:01:00.000Z', 'r@2024-05-01T10:07:00.000Z']);
  });

  it('does not fire a disabled rule, resumes on its grid when enabled, and stops on forget', () => {
    const { rules, fired, live } = scheduler();
    const toggled = rule('rate(1 minute)', 'DISABLED');
    live.add(toggled);
    rules.start([toggled]);
    jest.advanceTimersByTime(120_000);
    expect(fired).toEqual([]);
    toggled.state = 'ENABLED';
    rules.sync(toggled);
    jest.advanceTimersByTime(60_000);
    expect(fired).toEqual(['r@2024-05-01T10:03:00.000Z']);
    rules.forget(toggled);
    jest.advanceTimersByTime(600_000);
    expect(fired).toHaveLength(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('fires nothing before start and clears every timer on stop', () => {
    const { rules, fired, live } = scheduler(60);
    const every = rule('rate(1 minute)');
    live.add(every);
    rules.sync(every);
    jest.advanceTimersByTime(10_000);
    expect(fired).toEqual([]);
    rules.start([every]);
    expect(jest.getTimerCount()).toBe(1);
    rules.stop();
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(10_000);
    expect(fired).toEqual([]);
  });

  it('reaches a fire further away than a timer can wait', () => {
    const { rules, fired, live } = scheduler();
    const yearly = rule('cron(0 0 1 1 ? *)');
    live.add(yearly);
    rules.start([yearly]);
    jest.advanceTimersByTime(366 * 86_400_000);
    expect(fired).toEqual(['r@2025-01-01T00:00:00.000Z']);
  });
});
