import { AlertSamples } from '../../../bench/alert-samples';

describe('bench: AlertSamples (send of the crossing event → first sighting of its alert)', () => {
  it('takes one sample per subject, from its send to the first sighting, ignoring repeats', () => {
    const samples = new AlertSamples('velocity', ['a', 'b']);
    samples.sent('a', 1_000);
    samples.sent('b', 2_000);
    samples.observe([{ ruleId: 'velocity', subject: 'a' }], 1_400);
    // At least once: the same alert again later changes nothing.
    samples.observe(
      [
        { ruleId: 'velocity', subject: 'a' },
        { ruleId: 'velocity', subject: 'b' },
      ],
      2_900,
    );
    expect(samples.latencies().sort((x, y) => x - y)).toEqual([400, 900]);
    expect(samples.pending).toBe(0);
    expect([...samples.early]).toEqual([]);
  });

  it('ignores alerts of other rules and subjects, and counts the subjects not seen yet', () => {
    const samples = new AlertSamples('velocity', ['a', 'b']);
    samples.sent('a', 1_000);
    samples.observe(
      [
        { ruleId: 'stuck-order', subject: 'a' },
        { ruleId: 'velocity', subject: 'someone-else' },
      ],
      1_500,
    );
    expect(samples.latencies()).toEqual([]);
    expect(samples.pending).toBe(2);
  });

  it('flags an alert seen before its crossing event was sent, and takes no sample of it', () => {
    const samples = new AlertSamples('velocity', ['a']);
    samples.observe([{ ruleId: 'velocity', subject: 'a' }], 500);
    samples.sent('a', 1_000);
    expect([...samples.early]).toEqual(['a']);
    expect(samples.latencies()).toEqual([]);
  });

  it('keeps the first send of a subject', () => {
    const samples = new AlertSamples('velocity', ['a']);
    samples.sent('a', 1_000);
    samples.sent('a', 5_000);
    samples.observe([{ ruleId: 'velocity', subject: 'a' }], 1_200);
    expect(samples.latencies()).toEqual([200]);
  });
});
