import { reportAlerts } from '../../../src/handlers/analytics/alerts-outcome';

/** The EMF blobs and log lines printed while `work` runs, as CloudWatch gets them. */
function printed(work: () => void): Record<string, unknown>[] {
  const chunks: string[] = [];
  const capture = (chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    work();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return chunks
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

interface Emf {
  _aws: { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [key: string]: unknown;
}

const named = (lines: Record<string, unknown>[], name: string) =>
  lines.filter(
    (l) => '_aws' in l && (l as Emf)._aws.CloudWatchMetrics[0]?.Metrics[0]?.Name === name,
  ) as Emf[];

const raised = {
  type: 'AlertRaised' as const,
  data: {
    alertId: 'velocity:cust-1:2026-01-01T00:00:00.000Z',
    ruleId: 'velocity',
    severity: 'warning' as const,
    subject: 'cust-1',
    summary: 'customer cust-1 placed 6 orders',
    evidence: ['e1'],
    window: { start: '2026-01-01T00:00:00.000Z', end: '2026-01-01T00:05:00.000Z' },
    raisedAt: '2026-01-01T00:05:00.000Z',
  },
};
const cleared = {
  type: 'AlertCleared' as const,
  data: {
    alertId: 'stuck-order:o-1:x',
    ruleId: 'stuck-order',
    subject: 'o-1',
    clearedAt: '2026-01-01T00:06:00.000Z',
  },
};

describe('alert metrics', () => {
  it('emits AlertsRaised and AlertsCleared once per committed alert, by ruleId and in total', () => {
    const lines = printed(() =>
      reportAlerts('order events evaluated', {
        committed: [raised, cleared],
        alreadyEvaluated: 0,
        published: 2,
        unpublished: 0,
        conflicts: 1,
      }),
    );
    const [up] = named(lines, 'AlertsRaised');
    expect(up?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service', 'ruleId'], ['service']]);
    expect(up).toMatchObject({ ruleId: 'velocity', AlertsRaised: 1 });
    expect(named(lines, 'AlertsCleared')).toEqual([
      expect.objectContaining({ ruleId: 'stuck-order', AlertsCleared: 1 }),
    ]);
    expect(named(lines, 'AlertsUnpublished')).toEqual([]);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'WARN', message: 'alert raised', subject: 'cust-1' }),
    );
  });

  it('reports alerts left unpublished, with the error, as an error line and a metric', () => {
    const lines = printed(() =>
      reportAlerts('alert rules ticked', {
        committed: [],
        alreadyEvaluated: 0,
        published: 0,
        unpublished: 3,
        conflicts: 0,
        publishError: 'PutEvents: throttled',
      }),
    );
    expect(named(lines, 'AlertsUnpublished')).toEqual([expect.objectContaining({ AlertsUnpublished: 3 })]);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'ERROR', publishError: 'PutEvents: throttled', unpublished: 3 }),
    );
  });
});
