import { AwsEndpoint } from '../../../src/local/aws/endpoint';
import {
  AwsServiceError,
  jsonResponse,
  type AwsRequest,
  type LocalAwsService,
} from '../../../src/local/aws/protocol';

class RecordingService implements LocalAwsService {
  readonly name = 'recording';
  readonly jsonTargetPrefix = 'Recording_2024';
  readonly queryActions = new Set(['Publish']);
  readonly seen: string[] = [];
  async handle(request: AwsRequest) {
    this.seen.push(request.operation);
    if (request.operation === 'Explode') throw new AwsServiceError('ValidationException', 'bad thing', 400);
    if (request.operation === 'Crash') throw new RangeError('unexpected');
    return jsonResponse({ ok: request.operation });
  }
}

describe('AwsEndpoint routing', () => {
  const service = new RecordingService();
  const endpoint = new AwsEndpoint().register(service);
  let url = '';
  beforeAll(async () => {
    url = `http://127.0.0.1:${await endpoint.listen(0)}`;
  });
  afterAll(() => endpoint.close());

  const call = (headers: Record<string, string>, body = '{}') =>
    fetch(url, { method: 'POST', headers, body });

  it('routes a JSON-protocol request by its X-Amz-Target', async () => {
    const response = await call({ 'x-amz-target': 'Recording_2024.ListThings' });
    expect(await response.json()).toEqual({ ok: 'ListThings' });
  });

  it('routes a query-protocol request by its Action', async () => {
    const response = await call(
      { 'content-type': 'application/x-www-form-urlencoded' },
      'Action=Publish&X=1',
    );
    expect(response.status).toBe(200);
    expect(service.seen).toContain('Publish');
  });

  it('renders a service error in the JSON error shape', async () => {
    const response = await call({ 'x-amz-target': 'Recording_2024.Explode' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ __type: 'ValidationException', message: 'bad thing' });
  });

  it('turns an unexpected failure into a 500 InternalFailure instead of dropping the connection', async () => {
    const response = await call({ 'x-amz-target': 'Recording_2024.Crash' });
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ __type: 'InternalFailure' });
  });

  it('answers a target of an unregistered service with UnknownOperationException', async () => {
    const response = await call({ 'x-amz-target': 'Other_2020.Op' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });
});
