import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import aslValidator from 'asl-validator';
import { PROJECT_ROOT } from '../../src/local/template';

const STATE_MACHINE_DIR = join(PROJECT_ROOT, 'statemachines');
const definitions = readdirSync(STATE_MACHINE_DIR).filter((file) => file.endsWith('.asl.json'));

describe('state machine definitions (asl-validator)', () => {
  it('rejects a broken definition, so the check below has teeth', () => {
    const { isValid } = aslValidator({ StartAt: 'Missing', States: { Only: { Type: 'Pass', End: true } } });
    expect(isValid).toBe(false);
  });

  it('accepts every file in statemachines/', () => {
    const invalid = definitions
      .map((file) => {
        const { isValid, errorsText } = aslValidator(
          JSON.parse(readFileSync(join(STATE_MACHINE_DIR, file), 'utf8')) as object,
          { checkArn: true, checkPaths: true },
        );
        return isValid ? undefined : `${file}: ${errorsText('; ')}`;
      })
      .filter(Boolean);
    expect(invalid).toEqual([]);
  });
});

describe('the order saga', () => {
  const saga = JSON.parse(readFileSync(join(STATE_MACHINE_DIR, 'orderSaga.asl.json'), 'utf8')) as {
    States: Record<string, { Retry?: { ErrorEquals: string[] }[] }>;
  };
  const retried = (state: string) => (saga.States[state]?.Retry ?? []).flatMap((retry) => retry.ErrorEquals);

  // A capture, void or refund whose answer came too late may have happened at the provider. Failing the
  // step then strands the order (found by the chaos run: a late capture answer sent the saga to void a
  // captured authorization, which the provider refuses). The steps call the provider with idempotency
  // keys, so a retry gets the provider's first answer.
  it.each(['ConfirmOrder', 'RefundPayment'])('%s retries a payment provider timeout', (state) => {
    expect(retried(state)).toContain('PaymentTimeoutError');
  });

  // A timed-out invocation may have done its work (found by the 10,000-order chaos run: a ConfirmOrder
  // whose answer timed out was compensated, refunding a confirmed order). Every step is idempotent.
  it('retries a timed-out Lambda invocation in every Lambda step', () => {
    const lambdaSteps = Object.entries(saga.States as Record<string, { Resource?: string }>)
      .filter(([, state]) => state.Resource?.startsWith('arn:aws:states:::lambda:invoke'))
      .map(([name]) => name);
    expect(lambdaSteps.length).toBeGreaterThanOrEqual(7);
    expect(lambdaSteps.filter((name) => !retried(name).includes('Sandbox.Timedout'))).toEqual([]);
  });
});
