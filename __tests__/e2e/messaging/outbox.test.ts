import { CreateQueueCommand, DeleteQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import {
  DeleteRuleCommand,
  DescribeArchiveCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { api, eventually, placeOrder, validOrder } from '../../support/api';
import { sqsClient } from '../../support/messaging';
import { localClientConfig } from '../../support/stack';

interface BusEvent {
  source: string;
  'detail-type': string;
  detail: { metadata: { eventId: string; orderId: string; version: number }; data: unknown };
}

describe('the outbox: every stored event reaches the bus', () => {
  it('publishes OrderPlaced with the stored eventId, and the archive keeps it', async () => {
    const events = new EventBridgeClient(localClientConfig());
    const sqs = sqsClient();
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `outbox-probe-${Date.now()}` }));
    const queueArn = `arn:aws:sqs:us-east-1:000000000000:${QueueUrl?.split('/').pop() ?? ''}`;
    const customerId = `outbox-${Date.now()}`;
    const rule = `outbox-probe-${Date.now()}`;
    try {
      await events.send(
        new PutRuleCommand({
          Name: rule,
          EventBusName: 'orderflow-local',
          EventPattern: JSON.stringify({
            source: ['orderflow.orders'],
            detail: { data: { customerId: [customerId] } },
          }),
        }),
      );
      await events.send(
        new PutTargetsCommand({
          Rule: rule,
          EventBusName: 'orderflow-local',
          Targets: [{ Id: 'q', Arn: queueArn }],
        }),
      );
      const archivedBefore =
        (await events.send(new DescribeArchiveCommand({ ArchiveName: 'orderflow-local-archive' })))
          .EventCount ?? 0;

      const orderId = await placeOrder(validOrder({ customerId }));
      const stored = await api<{ events: { metadata: { eventId: string } }[] }>(
        'GET',
        `/orders/${orderId}/events`,
      );

      // Another suite may have left an undecodable event at the head of the stream: the outbox retries and
      // bisects past it first, which on a busy machine takes longer than one long poll.
      const { Messages = [] } = await eventually(
        () => sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 })),
        (received) => (received.Messages ?? []).length > 0,
        45_000,
      );
      expect(Messages).toHaveLength(1);
      const event = JSON.parse(Messages[0]?.Body ?? '{}') as BusEvent;
      expect(event.source).toBe('orderflow.orders');
      expect(event['detail-type']).toBe('OrderPlaced');
      expect(event.detail.metadata).toMatchObject({
        orderId,
        version: 1,
        eventId: stored.body.events[0]?.metadata.eventId,
      });
      const archivedAfter =
        (await events.send(new DescribeArchiveCommand({ ArchiveName: 'orderflow-local-archive' })))
          .EventCount ?? 0;
      expect(archivedAfter).toBeGreaterThan(archivedBefore);
    } finally {
      await events
        .send(new RemoveTargetsCommand({ Rule: rule, EventBusName: 'orderflow-local', Ids: ['q'] }))
        .catch(() => undefined);
      await events
        .send(new DeleteRuleCommand({ Name: rule, EventBusName: 'orderflow-local' }))
        .catch(() => undefined);
      await sqs.send(new DeleteQueueCommand({ QueueUrl })).catch(() => undefined);
      events.destroy();
      sqs.destroy();
    }
  });
});
