import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { AwsEndpoint } from './aws/endpoint';
import { DynamoDbService } from './aws/dynamodb';
import { EventBridgeService } from './aws/eventbridge';
import { SnsService } from './aws/sns';
import { SqsService } from './aws/sqs';
import { StepFunctionsService } from './aws/stepfunctions';
import { PaymentSimulator } from './payments/simulator';
import type { StackConfig } from './config';
import { FaultControlService, FaultRegistry, faultyInvoker } from './faults';
import { OfflineApi } from './http-front/offline-api';
import { LambdaInvoker, LambdaTargetError } from './lambda/invoker';
import { createQueues } from './queues/sqs-from-template';
import { queueMappingsFromTemplate, SqsEventSource } from './queues/sqs-event-source';
import { streamFailureRecord } from './streams/failure-record';
import type { FailedBatch } from './streams/stream-poller';
import { LocalStreams } from './streams/streams';
import { createTables } from './tables';
import { TargetDispatcher } from './targets';
import { compileTemplate, type CfnTemplate } from './template';

export interface RunningStack {
  readonly config: StackConfig;
  readonly httpUrl: string;
  readonly awsUrl: string;
  readonly template: CfnTemplate;
  readonly startupMs: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly log?: (line: string) => void;
  /** Offline function timeouts by function key, in ms, instead of the template's (see OfflineOptions). */
  readonly functionTimeoutsMs?: Readonly<Record<string, number>>;
}

const LOCAL_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Brings the whole system up on loopback: the AWS endpoint, its tables and queues, then the API and functions. */
export async function startStack(config: StackConfig, options: StartOptions = {}): Promise<RunningStack> {
  const started = Date.now();
  const endpoint = new AwsEndpoint();
  const cleanups: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  };
  const buildEnv = { ORDERFLOW_BUILD_DIR: join('.orderflow', 'build', `${config.stage}-${config.httpPort}`) };
  try {
    const [template, dynamodb] = await Promise.all([
      compileTemplate(
        config.stage,
        join('.orderflow', 'package', `${config.stage}-${config.httpPort}`),
        buildEnv,
      ),
      DynamoDbService.start({ dataDir: config.dataDir }),
    ]);
    const sqs = new SqsService({ region: config.region });
    const dispatcher = new TargetDispatcher(endpoint.requests);
    const faults = new FaultRegistry();
    const eventBridge = new EventBridgeService({ region: config.region, dispatcher, faults });
    const sns = new SnsService({ region: config.region, dispatcher });
    // Created now, used once serverless-offline answers: Step Functions tasks and event sources invoke through it.
    const lambda = new LambdaInvoker(
      `http://${config.host}:${config.lambdaPort}`,
      config.region,
      endpoint.requests,
    );
    dynamodb.throttle = () => faults.take('throttle-dynamodb', '*');
    const invoker = faultyInvoker(lambda, faults);
    const stepFunctions = new StepFunctionsService({ region: config.region, invoker, dispatcher });
    endpoint
      .register(dynamodb)
      .register(sqs)
      .register(eventBridge)
      .register(sns)
      .register(stepFunctions)
      .register(new FaultControlService(faults));
    const streams = new LocalStreams(template, config.region);
    streams.attach(dynamodb);
    cleanups.push(() => endpoint.close());
    const awsPort = await endpoint.listen(config.awsPort, config.host);
    const awsUrl = `http://${config.host}:${awsPort}`;
    sqs.setBaseUrl(awsUrl);

    const clientConfig = { endpoint: awsUrl, region: config.region, credentials: LOCAL_CREDENTIALS };
    const dynamoClient = new DynamoDBClient(clientConfig);
    const sqsClient = new SQSClient(clientConfig);
    await createTables(dynamoClient, template);
    await createQueues(sqsClient, template, { region: config.region, endpoint: awsUrl });
    dynamoClient.destroy();
    sqsClient.destroy();

    eventBridge.loadTemplate(template);
    sns.loadTemplate(template);
    stepFunctions.loadTemplate(template, { region: config.region, endpoint: awsUrl });
    const payments = await PaymentSimulator.start({ port: config.paymentsPort, host: config.host });
    cleanups.push(() => payments.close());
    dispatcher
      .register('sqs', async (arn, delivery) => {
        sqs.sendToQueue(arn, {
          body: delivery.body,
          groupId: delivery.messageGroupId,
          dedupId: delivery.messageDeduplicationId,
          attributes: delivery.messageAttributes,
        });
      })
      .register('sns', sns.deliveryHandler())
      .register('events', eventBridge.deliveryHandler())
      .register('states', stepFunctions.deliveryHandler());

    // serverless-offline on private sockets, behind the guarded fronts on the public HTTP and Lambda ports.
    const offline = await OfflineApi.start({
      stage: config.stage,
      host: config.host,
      httpPort: config.httpPort,
      lambdaPort: config.lambdaPort,
      awsEndpoint: awsUrl,
      region: config.region,
      env: { ...buildEnv, PAYMENT_PROVIDER_URL: payments.url },
      log: options.log,
      template,
      noAuth: config.noAuth,
      consoleOrigins: config.consoleOrigins,
      functionTimeoutsMs: options.functionTimeoutsMs,
    });
    cleanups.unshift(() => offline.stop());

    // Lambda targets and subscriptions are invoked asynchronously (InvocationType Event) on AWS.
    dispatcher.register('lambda', async (arn, delivery) => {
      const result = await invoker.invoke(arn.split(':').pop() ?? arn, JSON.parse(delivery.body));
      if (result.functionError) throw new LambdaTargetError(`${arn}: ${result.functionError}`);
    });
    // A stream batch whose retries ran out goes to the mapping's on-failure destination, as on AWS.
    const onFailedBatch = async (batch: FailedBatch): Promise<void> => {
      process.stderr.write(
        `orderflow: ${batch.records.length} stream record(s) for ${batch.mapping.functionName} failed for good: ${batch.error}\n`,
      );
      const destination = batch.mapping.onFailureDestination;
      if (destination) {
        await dispatcher.deliver(destination, {
          body: JSON.stringify(streamFailureRecord(batch, config.region)),
        });
      }
    };
    streams.startDelivery(invoker, onFailedBatch, options.log, faults);
    const queueSources = queueMappingsFromTemplate(template, config.region)
      .filter((mapping) => mapping.enabled)
      .map((mapping) => new SqsEventSource(mapping, sqs, invoker, config.region, options.log, faults));
    for (const source of queueSources) source.start();
    cleanups.unshift(async () => {
      await Promise.all([streams.stop(), ...queueSources.map((source) => source.stop())]);
      lambda.close();
    });

    return {
      config: { ...config, awsPort },
      httpUrl: `http://${config.host}:${config.httpPort}`,
      awsUrl,
      template,
      startupMs: Date.now() - started,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
