import { ConfigError, stackConfigFromEnv } from '../../../src/local/config';

describe('stackConfigFromEnv', () => {
  it('uses the documented default ports', () => {
    expect(stackConfigFromEnv({})).toMatchObject({
      httpPort: 3000,
      awsPort: 4566,
      lambdaPort: 3002,
      stage: 'local',
    });
  });

  it('takes ports from the environment', () => {
    const config = stackConfigFromEnv(
      { ORDERFLOW_HTTP_PORT: '4000', ORDERFLOW_AWS_PORT: '4999' },
      '/tmp/data',
    );
    expect(config).toMatchObject({ httpPort: 4000, awsPort: 4999, dataDir: '/tmp/data' });
  });

  it.each(['abc', '-1', '70000', '3.5'])(
    'rejects the port "%s" with a message naming the variable',
    (raw) => {
      expect(() => stackConfigFromEnv({ ORDERFLOW_HTTP_PORT: raw })).toThrow(ConfigError);
      expect(() => stackConfigFromEnv({ ORDERFLOW_HTTP_PORT: raw })).toThrow(/ORDERFLOW_HTTP_PORT/);
    },
  );

  it('keeps four warm environments per function unless told otherwise', () => {
    expect(stackConfigFromEnv({}).functionConcurrency).toBe(4);
    expect(stackConfigFromEnv({ ORDERFLOW_FUNCTION_CONCURRENCY: '8' }).functionConcurrency).toBe(8);
  });

  it.each(['0', '-2', '1.5', 'many'])('rejects a function concurrency of "%s"', (raw) => {
    expect(() => stackConfigFromEnv({ ORDERFLOW_FUNCTION_CONCURRENCY: raw })).toThrow(
      /ORDERFLOW_FUNCTION_CONCURRENCY/,
    );
  });

  it('leaves the review timeout to the stage (minutes offline) unless ORDERFLOW_REVIEW_TIMEOUT_SECONDS sets it', () => {
    expect(stackConfigFromEnv({}).reviewTimeoutSeconds).toBeUndefined();
    expect(stackConfigFromEnv({ ORDERFLOW_REVIEW_TIMEOUT_SECONDS: '30' }).reviewTimeoutSeconds).toBe(30);
    expect(() => stackConfigFromEnv({ ORDERFLOW_REVIEW_TIMEOUT_SECONDS: '0' })).toThrow(
      /ORDERFLOW_REVIEW_TIMEOUT_SECONDS/,
    );
  });

  it('has authorization on and no console origins by default', () => {
    expect(stackConfigFromEnv({})).toMatchObject({ noAuth: false, consoleOrigins: [] });
  });

  it('reads ORDERFLOW_NO_AUTH and ORDERFLOW_CONSOLE_ORIGINS', () => {
    expect(
      stackConfigFromEnv({
        ORDERFLOW_NO_AUTH: 'true',
        ORDERFLOW_CONSOLE_ORIGINS: 'http://localhost:5173, https://console.example:8443',
      }),
    ).toMatchObject({
      noAuth: true,
      consoleOrigins: ['http://localhost:5173', 'https://console.example:8443'],
    });
  });

  it.each([
    ['ORDERFLOW_NO_AUTH', 'yes'],
    ['ORDERFLOW_CONSOLE_ORIGINS', '*'],
    ['ORDERFLOW_CONSOLE_ORIGINS', 'http://localhost:5173/'],
    ['ORDERFLOW_CONSOLE_ORIGINS', 'localhost:5173'],
    ['ORDERFLOW_CONSOLE_ORIGINS', 'file:///tmp/console.html'],
  ])('rejects %s=%s with a message naming the variable', (name, raw) => {
    expect(() => stackConfigFromEnv({ [name]: raw })).toThrow(ConfigError);
    expect(() => stackConfigFromEnv({ [name]: raw })).toThrow(new RegExp(name));
  });
});
