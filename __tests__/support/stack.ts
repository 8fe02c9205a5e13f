import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadTemplate, type CfnTemplate } from '../../src/local/template';
import { CI_PACKAGE_PATH, STACK_ENV } from './paths';

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new TypeError(`${name} is not set: the jest globalSetup starts the shared stack`);
  return value;
};

/** The shared offline stack started by the global setup. */
export const stackUrls = () => ({
  http: required(STACK_ENV.http),
  aws: required(STACK_ENV.aws),
  lambda: required(STACK_ENV.lambda),
  payments: required(STACK_ENV.payments),
});

export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
export const TEST_REGION = 'us-east-1';

export const localClientConfig = () => ({
  endpoint: stackUrls().aws,
  region: TEST_REGION,
  credentials: TEST_CREDENTIALS,
});

export const dynamoDb = () => new DynamoDBClient(localClientConfig());
export const documentClient = () =>
  DynamoDBDocumentClient.from(dynamoDb(), { marshallOptions: { removeUndefinedValues: true } });

/** Environment for running the AWS CLI against the shared stack. */
export const awsCliEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_DEFAULT_REGION: TEST_REGION,
  AWS_ENDPOINT_URL: stackUrls().aws,
  AWS_PAGER: '',
});

let template: Promise<CfnTemplate> | undefined;
/** The compiled CloudFormation of the `ci` stage (what deploys), loaded once per test file. */
export const ciTemplate = (): Promise<CfnTemplate> => (template ??= loadTemplate(CI_PACKAGE_PATH));

/** Local tables are named for the local stage; the ci template names them for ci. */
export const localTableName = (ciName: string): string => ciName.replace('-ci-', '-local-');
