import { ValidationError } from '../../../src/domain/shared/errors';
import { nextTokenOf, parseAlertsQuery } from '../../../src/handlers/analytics/get-alerts';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');

const issuesOf = (query: Record<string, string>) => {
  try {
    parseAlertsQuery(query, NOW);
  } catch (error) {
    if (error instanceof ValidationError) return error.details.map(({ path, rule }) => ({ path, rule }));
    throw error;
  }
  throw new TypeError('the query was accepted');
};

describe('GET /analytics/alerts query', () => {
  it('defaults to the last 24 hours, every status, 100 alerts', () => {
    expect(parseAlertsQuery({}, NOW)).toEqual({
      since: '2026-02-28T12:00:00.000Z',
      status: 'all',
      limit: 100,
      after: undefined,
    });
  });

  it('takes since with an offset, a status, a limit and a token it issued', () => {
    const token = nextTokenOf('2026-03-01T10:00:00.000Z#velocity:cust-1:2026-03-01T09:55:00.000Z');
    expect(
      parseAlertsQuery(
        { since: '2026-03-01T13:00:00+02:00', status: 'open', limit: '500', nextToken: token },
        NOW,
      ),
    ).toEqual({
      since: '2026-03-01T11:00:00.000Z',
      status: 'open',
      limit: 500,
      after: '2026-03-01T10:00:00.000Z#velocity:cust-1:2026-03-01T09:55:00.000Z',
    });
  });

  it('names every bad parameter with its rule', () => {
    expect(issuesOf({ since: 'yesterday', status: 'closed', limit: '0', nextToken: 'not-a-token' })).toEqual([
      { path: 'since', rule: 'format' },
      { path: 'status', rule: 'oneOf' },
      { path: 'limit', rule: 'range' },
      { path: 'nextToken', rule: 'format' },
    ]);
    expect(issuesOf({ limit: '501' })).toEqual([{ path: 'limit', rule: 'range' }]);
    expect(issuesOf({ limit: '2.5' })).toEqual([{ path: 'limit', rule: 'range' }]);
    expect(issuesOf({ since: '2026-03-01' })).toEqual([{ path: 'since', rule: 'format' }]);
  });
});
