import { decodeSettings, InvalidSettingsError } from '../../../src/config';

describe('decodeSettings', () => {
  it('decodes good settings into their types', () => {
    expect(
      decodeSettings(['EVENT_STORE_TABLE', 'PAYMENT_TIMEOUT_MS', 'UNSERVED_COUNTRIES'], {
        EVENT_STORE_TABLE: 'orderflow-dev-event-store',
        PAYMENT_TIMEOUT_MS: '3000',
        UNSERVED_COUNTRIES: 'AQ, KP',
      }),
    ).toEqual({
      EVENT_STORE_TABLE: 'orderflow-dev-event-store',
      PAYMENT_TIMEOUT_MS: 3000,
      UNSERVED_COUNTRIES: ['AQ', 'KP'],
    });
  });

  it('names every missing and malformed setting at once, and never echoes the secret', () => {
    const run = () =>
      decodeSettings(['EVENT_STORE_TABLE', 'PAYMENT_TIMEOUT_MS', 'APP_SECRET'], {
        PAYMENT_TIMEOUT_MS: '3s',
        APP_SECRET: 'short-secret',
      });
    expect(run).toThrow(InvalidSettingsError);
    expect(run).toThrow(
      'Invalid configuration: EVENT_STORE_TABLE is not set; PAYMENT_TIMEOUT_MS must be a positive integer (milliseconds) (got "3s"); APP_SECRET must be at least 32 characters',
    );
  });
});
