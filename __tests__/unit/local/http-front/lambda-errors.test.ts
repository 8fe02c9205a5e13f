import { gatewayAnswerFor } from '../../../../src/local/http-front/lambda-errors';

/** serverless-offline's body for a failed function on a payload 2.0 route (answered with status 200). */
const offlineErrorBody = (errorMessage: string, errorType: string) =>
  Buffer.from(JSON.stringify({ errorMessage, errorType, stackTrace: ['Error: …', 'at …'] }));

describe('gatewayAnswerFor (serverless-offline’s 200-with-error-payload, as API Gateway answers it)', () => {
  it('makes a timeout a 504', () => {
    expect(gatewayAnswerFor(offlineErrorBody('[504] - Lambda timeout.', 'LambdaTimeoutError'))).toEqual({
      status: 504,
      body: { message: 'Endpoint request timed out' },
    });
  });

  it('makes any other function error a 500', () => {
    expect(gatewayAnswerFor(offlineErrorBody('Cannot find module x', 'Error'))).toEqual({
      status: 500,
      body: { message: 'Internal Server Error' },
    });
  });

  it.each([
    ['an order', { orderId: '01J', status: 'PENDING' }],
    ['the API’s own error shape', { error: { code: 'FORBIDDEN', message: 'x', details: [] } }],
    ['a body naming errorMessage later', { status: 'ok', errorMessage: 'not first' }],
    ['errorMessage without errorType', { errorMessage: 'x' }],
  ])('leaves %s alone', (_, body) => {
    expect(gatewayAnswerFor(Buffer.from(JSON.stringify(body)))).toBeUndefined();
  });

  it('leaves a body that only starts like an error payload alone', () => {
    expect(gatewayAnswerFor(Buffer.from('{"errorMessage": not json'))).toBeUndefined();
  });
});
