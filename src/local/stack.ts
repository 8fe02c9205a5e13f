import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { AwsEndpoint } from './aws/endpoint';
import { DynamoDbService } from './aws/dynamodb';
import { EventBridgeService } from './aws/eventbridge';
import { SnsService } from './aws/sns';
import { SqsService } from './aws/sqs';
import { modelEndpointsFromTemplate, SageMakerRuntimeService } from './aws/sagemaker';
import { StepFunctionsService } from './aws/stepfunctions';
import { PaymentSimulator } from './payments/simulator';
import type { StackConfig } from './config';
import { FaultControlService, FaultRegistry, faultyInvoker } from './faults';
import { LambdaInvokeApi } from './lambda/invoke-api';
import { CONSOLE_PATH, ConsolePages } from './console/pages';
import { HttpApiServer } from './http-api/server';
import { httpRoutesFromTemplate } from './http-api/routes';
import { verifierFor } from './http-api/jwt-authorizer';
import { poolJwks } from './auth/pool-keys';
import { noAuthOperatorTokens } from './auth/no-auth-operator';
import { LambdaTargetError } from './lambda/invoker';
import { functionSpecsFromTemplate } from './lambda/function-specs';
import { WarmFunctions } from './lambda/warm-functions';
import { createQueues } from './queues/sqs-from-template';
import { queueMappingsFromTemplate, SqsEventSource } from './queues/sqs-event-source';
import { streamFailureRecord } from './streams/failure-record';
import type { FailedBatch } from './streams/stream-poller';
import { LocalStreams } from './streams/streams';
import { createTables } from './tables';
import { TargetDispatcher } from './targets';
import { PROJECT_ROOT, type CfnTemplate } from './template';
import { compileTemplateOnce } from './template-cache';
import { KafkaBroker } from './kafka/broker';
import { kafkaTopicsFromTemplate, LOCAL_DEFAULT_PARTITIONS } from './kafka/topics';
import { KafkaEventSource } from './msk/msk-event-source';
import { kafkaMappingsFromTemplate } from './msk/msk-mappings';

export interface RunningStack {
  readonly config: StackConfig;
  readonly httpUrl: string;
  readonly awsUrl: string;
  /** The ops console, served beside the HTTP API. */
  readonly consoleUrl: string;
  /** The Kafka-protocol broker's bootstrap address, `127.0.0.1:<port>`. */
  readonly kafkaBootstrap: string;
  readonly template: CfnTemplate;
  readonly startupMs: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly log?: (line: string) => void;
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
  const instance = `${config.stage}-${config.httpPort}`;
  const paymentsUrl = `http://${config.host}:${config.paymentsPort}`;
  // The template is compiled with the simulator's address, so functions find it wherever it listens.
  const buildEnv = {
    ORDERFLOW_BUILD_DIR: join('.orderflow', 'build', instance),
    PAYMENT_PROVIDER_URL: paymentsUrl,
    ...(config.reviewTimeoutSeconds === undefined
      ? {}
      : { ORDERFLOW_REVIEW_TIMEOUT_SECONDS: String(config.reviewTimeoutSeconds) }),
  };
  const packageDir = join('.orderflow', 'package', instance);
  try {
    // Listening first: every function's environment and every queue URL names the endpoint's port.
    cleanups.push(() => endpoint.close());
    // The ops console runs on the HTTP API's origin and reads queues and sagas from this endpoint.
    const awsPort = await endpoint.listen(config.awsPort, config.host, [
      ...ConsolePages.originsFor(config.httpPort),
      ...config.consoleOrigins,
    ]);
    const awsUrl = `http://${config.host}:${awsPort}`;
    // The Kafka broker listens before the template is compiled: the producer's environment names its address.
    const kafka = new KafkaBroker({ defaultPartitions: LOCAL_DEFAULT_PARTITIONS, log: options.log });
    cleanups.push(() => kafka.close());
    const kafkaPort = await kafka.listen(config.kafkaPort ?? 0, config.host);
    const compileEnv = { ...buildEnv, ORDERFLOW_KAFKA_BROKERS: kafka.bootstrap };
    const [template, dynamodb] = await Promise.all([
      compileTemplateOnce(config.stage, packageDir, compileEnv).then(({ template: compiled, reused }) => {
        options.log?.(reused ? `package ${packageDir} is up to date` : `packaged into ${packageDir}`);
        return compiled;
      }),
      DynamoDbService.start({ dataDir: config.dataDir }),
    ]);
    const sqs = new SqsService({ region: config.region });
    const dispatcher = new TargetDispatcher(endpoint.requests);
    const faults = new FaultRegistry();
    // Schedule rules start firing once every target service is wired (startSchedules below).
    const eventBridge = new EventBridgeService({
      region: config.region,
      dispatcher,
      faults,
      scheduleTimeScale: config.scheduleTimeScale,
      deferSchedules: true,
    });
    const sns = new SnsService({ region: config.region, dispatcher });
    // Event sources, rule targets, subscriptions and state machine tasks invoke the deployed bundles,
    // kept warm; the offline HTTP API (src/local/http-api) serves the HTTP routes through them too.
    const lambda = new WarmFunctions(
      functionSpecsFromTemplate(template, join(PROJECT_ROOT, packageDir), {
        region: config.region,
        endpoint: awsUrl,
      }),
      {
        region: config.region,
        codeDir: join(PROJECT_ROOT, '.orderflow', 'functions', instance),
        baseEnv: {
          AWS_ENDPOINT_URL: awsUrl,
          AWS_REGION: config.region,
          AWS_DEFAULT_REGION: config.region,
          AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          // Nothing is traced offline; Powertools would decide so anyway, this says it outright.
          POWERTOOLS_TRACE_ENABLED: 'false',
        },
        defaultConcurrency: config.functionConcurrency,
        idleMs: 10 * 60_000,
        counter: endpoint.requests,
        logs: options.log ? 'all' : process.env.ORDERFLOW_FUNCTION_LOGS === 'stderr' ? 'structured' : 'none',
      },
    );
    cleanups.push(async () => lambda.close());
    dynamodb.throttle = (tablesOf) => {
      if (!faults.armed('throttle-dynamodb')) return false;
      const tables = tablesOf();
      // A request naming no table (ListTables) is throttled only by a fault armed for any.
      return (tables.length > 0 ? tables : ['*']).some((table) => faults.take('throttle-dynamodb', table));
    };
    const invoker = faultyInvoker(lambda, faults);
    const stepFunctions = new StepFunctionsService({ region: config.region, invoker, dispatcher });
    endpoint
      .register(dynamodb)
      .register(sqs)
      .register(eventBridge)
      .register(sns)
      .register(stepFunctions)
      // The anomaly scorer's endpoint, serving models/anomaly-model.json under the stage's endpoint name.
      .register(
        new SageMakerRuntimeService({
          region: config.region,
          endpoints: modelEndpointsFromTemplate(template),
        }),
      )
      .register(new FaultControlService(faults));
    const streams = new LocalStreams(template, config.region);
    streams.attach(dynamodb);
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
    for (const topic of kafkaTopicsFromTemplate(template)) kafka.store.create(topic);
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

    const consolePages = new ConsolePages({ awsUrl, stage: config.stage, region: config.region });
    // The HTTP API and Lambda's Invoke API, both served by the warm functions.
    const httpApi = new HttpApiServer({
      routes: httpRoutesFromTemplate(template, { region: config.region, endpoint: awsUrl }),
      invoker: lambda,
      // Tokens are verified as the cloud verifies them, against the local user pool's keys.
      verify: verifierFor(poolJwks()),
      noAuthToken: config.noAuth ? noAuthOperatorTokens(config.region) : undefined,
      allowedOrigins: config.consoleOrigins,
      log: options.log,
      pages: (req, res) => consolePages.handle(req, res),
    });
    cleanups.unshift(() => httpApi.close());
    await httpApi.listen(config.httpPort, config.host);
    const invokeApi = new LambdaInvokeApi(lambda);
    cleanups.unshift(() => invokeApi.close());
    await invokeApi.listen(config.lambdaPort, config.host);

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
    // Amazon MSK mappings: consumer groups on the local broker; a batch whose retries ran out goes to the
    // mapping's on-failure destination, as on AWS.
    const kafkaSources = kafkaMappingsFromTemplate(template, config.region)
      .filter((mapping) => mapping.enabled)
      .map(
        (mapping) =>
          new KafkaEventSource(mapping, {
            bootstrap: kafka.bootstrap,
            invoker,
            region: config.region,
            log: options.log,
            faults,
            onFailedBatch: async ({ mapping: failed, record }) => {
              process.stderr.write(
                `orderflow: a Kafka batch for ${failed.functionName} failed for good: ${record.error}\n`,
              );
              if (failed.onFailureDestination) {
                await dispatcher.deliver(failed.onFailureDestination, { body: JSON.stringify(record) });
              }
            },
          }),
      );
    cleanups.unshift(async () => {
      await Promise.all([
        streams.stop(),
        ...queueSources.map((source) => source.stop()),
        ...kafkaSources.map((source) => source.stop()),
      ]);
    });
    await Promise.all(kafkaSources.map((source) => source.start()));
    // Timers are unref'd and stop with the endpoint (EventBridgeService.close), so a stopped stack stays stopped.
    eventBridge.startSchedules();

    return {
      config: { ...config, awsPort, kafkaPort },
      httpUrl: `http://${config.host}:${config.httpPort}`,
      awsUrl,
      consoleUrl: `http://${config.host}:${config.httpPort}${CONSOLE_PATH}`,
      kafkaBootstrap: kafka.bootstrap,
      template,
      startupMs: Date.now() - started,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
