import { createHash } from 'node:crypto';
import type { SnsMessageAttribute } from '../../matching/filter-policy';
import { AwsServiceError } from '../protocol';
import type { QueryNode } from './query';

/** A message attribute as Publish takes it; binary values as bytes. */
export interface MessageAttributeValue {
  readonly DataType: string;
  readonly StringValue?: string;
  readonly BinaryValue?: Uint8Array;
}

export type MessageAttributes = Readonly<Record<string, MessageAttributeValue>>;

/** SNS limits (Amazon SNS API Reference, Publish / PublishBatch). */
export const SNS_LIMITS = {
  maxMessageBytes: 256 * 1024,
  maxBatchEntries: 10,
  maxSubjectLength: 100,
} as const;

export const invalidParameter = (detail: string): AwsServiceError =>
  new AwsServiceError('InvalidParameter', `Invalid parameter: ${detail}`);

/** SNS's InvalidParameterValueException, whose query error code is `ParameterValueInvalid`. */
export const invalidParameterValue = (message: string): AwsServiceError =>
  new AwsServiceError('ParameterValueInvalid', message);

/** Reads `<prefix>.entry.N.Name` / `.Value.DataType` / `.Value.StringValue` / `.Value.BinaryValue` (base64). */
export function readMessageAttributes(
  node: QueryNode,
  key = 'MessageAttributes',
): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const entry of node.indexed(key, 'entry')) {
    const name = entry.get('Name');
    if (name === undefined) continue;
    const dataType = entry.get('Value.DataType') ?? '';
    const stringValue = entry.get('Value.StringValue');
    const binaryValue = entry.get('Value.BinaryValue');
    attributes[name] = {
      DataType: dataType,
      ...(stringValue === undefined ? {} : { StringValue: stringValue }),
      ...(binaryValue === undefined ? {} : { BinaryValue: Buffer.from(binaryValue, 'base64') }),
    };
  }
  return attributes;
}

const ATTRIBUTE_NAME = /^[A-Za-z0-9_\-.]{1,256}$/;

/** Publish's checks on message attributes (ParameterValueInvalid). */
export function validateMessageAttributes(attributes: MessageAttributes): void {
  for (const [name, attribute] of Object.entries(attributes)) {
    if (
      !ATTRIBUTE_NAME.test(name) ||
      name.startsWith('.') ||
      name.endsWith('.') ||
      name.includes('..') ||
      /^(aws|amazon)\./i.test(name)
    ) {
      throw invalidParameterValue(`The message attribute name '${name}' is invalid.`);
    }
    const type = attribute.DataType;
    const base = type.split('.')[0];
    if (base !== 'String' && base !== 'Number' && base !== 'Binary') {
      throw invalidParameterValue(
        `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
      );
    }
    if (base === 'Binary') {
      if (!attribute.BinaryValue || attribute.BinaryValue.length === 0) {
        throw invalidParameterValue(
          `The message attribute '${name}' must contain non-empty message attribute value for message attribute type 'Binary'.`,
        );
      }
      continue;
    }
    const value = attribute.StringValue;
    if (value === undefined || value === '') {
      throw invalidParameterValue(
        `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${base}'.`,
      );
    }
    if (base === 'Number' && (value.trim() === '' || !Number.isFinite(Number(value)))) {
      throw invalidParameterValue(`Could not cast message attribute '${name}' value to number.`);
    }
    if (type === 'String.Array') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        parsed = undefined;
      }
      if (!Array.isArray(parsed)) {
        throw invalidParameterValue(
          `The message attribute '${name}' of type 'String.Array' must be a JSON array.`,
        );
      }
    }
  }
}

/** The size SNS counts: the message plus each attribute's name, type and value. */
export function messageSize(message: string, attributes: MessageAttributes): number {
  let size = Buffer.byteLength(message, 'utf8');
  for (const [name, attribute] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(attribute.DataType);
    size += attribute.BinaryValue
      ? attribute.BinaryValue.length
      : Buffer.byteLength(attribute.StringValue ?? '');
  }
  return size;
}

/** Attributes as the filter-policy matcher reads them (binary ones carry no string value). */
export const filterableAttributes = (attributes: MessageAttributes): Record<string, SnsMessageAttribute> =>
  Object.fromEntries(
    Object.entries(attributes).map(([name, attribute]) => [
      name,
      attribute.BinaryValue !== undefined && attribute.StringValue === undefined
        ? { DataType: attribute.DataType }
        : { DataType: attribute.DataType, StringValue: attribute.StringValue ?? '' },
    ]),
  );

/** Attributes inside a JSON notification: `{ name: { Type, Value } }`, binary values base64. */
export const notificationAttributes = (
  attributes: MessageAttributes,
): Record<string, { Type: string; Value: string }> =>
  Object.fromEntries(
    Object.entries(attributes).map(([name, attribute]) => [
      name,
      {
        Type: attribute.DataType,
        Value:
          attribute.StringValue ?? Buffer.from(attribute.BinaryValue ?? new Uint8Array()).toString('base64'),
      },
    ]),
  );

/** A published message, as every subscription sees it before formatting. */
export interface PublishedMessage {
  readonly messageId: string;
  readonly topicArn: string;
  /** The message for each protocol (MessageStructure json), `default` otherwise. */
  readonly messages: Readonly<Record<string, string>>;
  readonly subject?: string;
  readonly attributes: MessageAttributes;
  readonly timestamp: string;
  readonly messageGroupId?: string;
  readonly messageDeduplicationId?: string;
  readonly sequenceNumber?: string;
}

export const messageFor = (message: PublishedMessage, protocol: string): string =>
  message.messages[protocol] ?? message.messages.default ?? '';

/**
 * The JSON notification SNS delivers when raw delivery is off. The signature is a digest of the
 * documented string-to-sign, not an RSA signature: it cannot be verified against a certificate.
 */
export function notificationEnvelope(
  message: PublishedMessage,
  protocol: string,
  subscriptionArn: string,
  region: string,
): Record<string, unknown> {
  const text = messageFor(message, protocol);
  const stringToSign = [
    'Message',
    text,
    'MessageId',
    message.messageId,
    ...(message.subject === undefined ? [] : ['Subject', message.subject]),
    'Timestamp',
    message.timestamp,
    'TopicArn',
    message.topicArn,
    'Type',
    'Notification',
    '',
  ].join('\n');
  const attributes = notificationAttributes(message.attributes);
  return {
    Type: 'Notification',
    MessageId: message.messageId,
    ...(message.sequenceNumber === undefined ? {} : { SequenceNumber: message.sequenceNumber }),
    TopicArn: message.topicArn,
    ...(message.subject === undefined ? {} : { Subject: message.subject }),
    Message: text,
    Timestamp: message.timestamp,
    SignatureVersion: '1',
    Signature: createHash('sha1').update(stringToSign).digest('base64'),
    SigningCertURL: `https://sns.${region}.amazonaws.com/SimpleNotificationService-local.pem`,
    UnsubscribeURL: `https://sns.${region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`,
    ...(Object.keys(attributes).length === 0 ? {} : { MessageAttributes: attributes }),
  };
}

/** The event a Lambda function subscribed to a topic is invoked with. */
export function lambdaEvent(
  message: PublishedMessage,
  subscriptionArn: string,
  region: string,
): Record<string, unknown> {
  const envelope = notificationEnvelope(message, 'lambda', subscriptionArn, region);
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscriptionArn,
        Sns: {
          Type: 'Notification',
          MessageId: message.messageId,
          TopicArn: message.topicArn,
          Subject: message.subject ?? null,
          Message: envelope.Message,
          Timestamp: message.timestamp,
          SignatureVersion: '1',
          Signature: envelope.Signature,
          SigningCertUrl: envelope.SigningCertURL,
          UnsubscribeUrl: envelope.UnsubscribeURL,
          MessageAttributes: notificationAttributes(message.attributes),
        },
      },
    ],
  };
}
