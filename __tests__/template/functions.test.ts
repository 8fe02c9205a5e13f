import { resourcesOfType } from '../../src/local/template';
import { ciTemplate } from '../support/stack';

describe('compiled template: functions', () => {
  it('runs every function on Node.js 20 with tracing on', async () => {
    const functions = resourcesOfType(await ciTemplate(), 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(0);
    for (const [id, fn] of functions) {
      expect({ id, runtime: fn.Properties?.Runtime, tracing: fn.Properties?.TracingConfig }).toEqual({
        id,
        runtime: 'nodejs20.x',
        tracing: { Mode: 'Active' },
      });
    }
  });

  it('sets a retention on every log group', async () => {
    const groups = resourcesOfType(await ciTemplate(), 'AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThan(0);
    for (const [id, group] of groups)
      expect({ id, days: group.Properties?.RetentionInDays }).toEqual({ id, days: 14 });
  });

  it('never hands a function an endpoint override: the cloud uses the real AWS endpoints', async () => {
    for (const [id, fn] of resourcesOfType(await ciTemplate(), 'AWS::Lambda::Function')) {
      const variables = (fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
        ?.Variables;
      expect({ id, endpoint: variables?.AWS_ENDPOINT_URL }).toEqual({ id, endpoint: undefined });
    }
  });
});
