import {
  applyOfflineFunctionTimeouts,
  FunctionTimeoutsError,
} from '../../../src/local/offline-function-timeouts';

describe('applyOfflineFunctionTimeouts', () => {
  it('sets the named functions’ timeouts, in the seconds serverless-offline reads', () => {
    const functions = { placeOrder: { timeout: 10 }, getOrder: {} };
    applyOfflineFunctionTimeouts(functions, '{"placeOrder":1,"getOrder":2500}');
    expect(functions).toEqual({ placeOrder: { timeout: 0.001 }, getOrder: { timeout: 2.5 } });
  });

  it('changes nothing without the variable', () => {
    const functions = { placeOrder: { timeout: 10 } };
    applyOfflineFunctionTimeouts(functions, undefined);
    applyOfflineFunctionTimeouts(functions, '');
    expect(functions).toEqual({ placeOrder: { timeout: 10 } });
  });

  it.each([
    ['not JSON', '{placeOrder:1}'],
    ['an array', '[1]'],
    ['an unknown function', '{"nope":1}'],
    ['a zero timeout', '{"placeOrder":0}'],
    ['a timeout as text', '{"placeOrder":"1"}'],
  ])('refuses %s', (_, raw) => {
    expect(() => applyOfflineFunctionTimeouts({ placeOrder: {} }, raw)).toThrow(FunctionTimeoutsError);
  });
});
