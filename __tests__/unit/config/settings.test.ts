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

  it("decodes the alert rules' thresholds and names a missing or malformed one", () => {
    expect(
      decodeSettings(['ALERT_VELOCITY_MAX_ORDERS', 'ALERT_DECLINE_MAX_RATE_PERCENT'], {
        ALERT_VELOCITY_MAX_ORDERS: '5',
        ALERT_DECLINE_MAX_RATE_PERCENT: '30',
      }),
    ).toEqual({ ALERT_VELOCITY_MAX_ORDERS: 5, ALERT_DECLINE_MAX_RATE_PERCENT: 30 });
    expect(() =>
      decodeSettings(['ALERT_VELOCITY_WINDOW_SECONDS', 'ALERT_DECLINE_MAX_RATE_PERCENT'], {
        ALERT_DECLINE_MAX_RATE_PERCENT: '130',
      }),
    ).toThrow(
      'Invalid configuration: ALERT_VELOCITY_WINDOW_SECONDS is not set; ALERT_DECLINE_MAX_RATE_PERCENT must be an integer percentage from 0 to 100 (got "130")',
    );
  });
});
