import { SqsError, invalidParameter, missingParameter } from './errors';
import {
  md5Hex,
  md5OfMessageAttributes,
  sha256Hex,
  type MessageAttribute,
  type MessageAttributes,
} from './md5';

/** A message attribute as a caller supplies it (SDK shape, binary as bytes). */
export interface MessageAttributeInput {
  readonly DataType?: string;
  readonly StringValue?: string;
  readonly BinaryValue?: Uint8Array;
  readonly StringListValues?: readonly string[];
  readonly BinaryListValues?: readonly Uint8Array[];
}

export interface SendInput {
  readonly body: string | undefined;
  readonly delaySeconds?: number;
  readonly attributes?: Readonly<Record<string, MessageAttributeInput>>;
  readonly systemAttributes?: Readonly<Record<string, MessageAttributeInput>>;
  readonly groupId?: string;
  readonly dedupId?: string;
}

/** The limits and switches of the target queue that decide whether a message is acceptable. */
export interface SendRules {
  readonly fifo: boolean;
  readonly contentBasedDeduplication: boolean;
  readonly maximumMessageSize: number;
}

/** A validated message, ready to enqueue. */
export interface PreparedMessage {
  readonly body: string;
  readonly md5OfBody: string;
  readonly attributes: MessageAttributes;
  readonly md5OfAttributes: string | undefined;
  readonly traceHeader: string | undefined;
  readonly md5OfSystemAttributes: string | undefined;
  readonly groupId: string | undefined;
  readonly dedupId: string | undefined;
  readonly delaySeconds: number | undefined;
  /** Body plus attribute names, types and values, in bytes: what counts against the size limits. */
  readonly size: number;
}

export const MAX_DELAY_SECONDS = 900;
export const MAX_BATCH_BYTES = 1_048_576;
const MAX_ATTRIBUTES = 10;

const isAllowedCodePoint = (cp: number): boolean =>
  cp === 0x9 ||
  cp === 0xa ||
  cp === 0xd ||
  (cp >= 0x20 && cp <= 0xd7ff) ||
  (cp >= 0xe000 && cp <= 0xfffd) ||
  (cp >= 0x10000 && cp <= 0x10ffff);

/** True when the text holds only the characters SQS accepts (the XML 1.0 character set). */
export const hasOnlyAllowedCharacters = (text: string): boolean => {
  for (const char of text) {
    if (!isAllowedCodePoint(char.codePointAt(0) ?? 0)) return false;
  }
  return true;
};

const INVALID_CONTENTS =
  'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF';

/** MessageGroupId and MessageDeduplicationId: 1..128 of alphanumerics and ASCII punctuation. */
const TOKEN = /^[\x21-\x7e]{1,128}$/;

const validateAttributeName = (name: string): void => {
  const lower = name.toLowerCase();
  if (
    !/^[A-Za-z0-9_.-]{1,256}$/.test(name) ||
    name.startsWith('.') ||
    name.endsWith('.') ||
    name.includes('..')
  ) {
    throw new SqsError(
      'InvalidParameterValue',
      `Message (user) attribute name '${name}' is invalid. Names can contain alphanumerics, hyphens, underscores and periods, must not start or end with a period nor contain two in a row, and are at most 256 characters.`,
    );
  }
  if (lower.startsWith('aws.') || lower.startsWith('amazon.')) {
    throw new SqsError(
      'InvalidParameterValue',
      `Message (user) attribute name '${name}' is invalid. The names 'AWS.' and 'Amazon.' (in any casing) are reserved.`,
    );
  }
};

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Validates one attribute and returns it normalised with its size in bytes. */
const normaliseAttribute = (
  name: string,
  input: MessageAttributeInput,
  kind: 'user' | 'system',
): { attribute: MessageAttribute; size: number } => {
  const dataType = input.DataType;
  if (dataType === undefined || dataType === '') {
    throw new SqsError(
      'InvalidParameterValue',
      `The message ${kind === 'user' ? '(user) ' : 'system '}attribute '${name}' must contain a non-empty message attribute type.`,
    );
  }
  const base = /^(String|Number|Binary)(\..+)?$/.exec(dataType)?.[1];
  if (!base || dataType.length > 256 || !hasOnlyAllowedCharacters(dataType)) {
    throw new SqsError(
      'InvalidParameterValue',
      `The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
    );
  }
  if (base === 'Binary') {
    if (input.BinaryValue === undefined || input.BinaryValue.length === 0) {
      throw new SqsError(
        'InvalidParameterValue',
        `The message attribute '${name}' with type 'Binary' must use field 'Binary'.`,
      );
    }
    const binaryValue = Buffer.from(input.BinaryValue);
    return {
      attribute: { dataType, binaryValue },
      size: Buffer.byteLength(name) + Buffer.byteLength(dataType) + binaryValue.length,
    };
  }
  const stringValue = input.StringValue;
  if (stringValue === undefined || stringValue === '') {
    throw new SqsError(
      'InvalidParameterValue',
      `The message attribute '${name}' with type '${base}' must use field 'String'.`,
    );
  }
  if (!hasOnlyAllowedCharacters(stringValue)) throw new SqsError('InvalidMessageContents', INVALID_CONTENTS);
  if (base === 'Number' && !NUMBER.test(stringValue.trim())) {
    throw new SqsError(
      'InvalidParameterValue',
      `Can't cast the value of message (user) attribute '${name}' to a number.`,
    );
  }
  return {
    attribute: { dataType, stringValue },
    size: Buffer.byteLength(name) + Buffer.byteLength(dataType) + Buffer.byteLength(stringValue),
  };
};

export const normaliseMessageAttributes = (
  input: Readonly<Record<string, MessageAttributeInput>> | undefined,
): { attributes: MessageAttributes; size: number } => {
  const entries = Object.entries(input ?? {});
  if (entries.length > MAX_ATTRIBUTES) {
    throw new SqsError(
      'InvalidParameterValue',
      `Number of message attributes [${entries.length}] exceeds the allowed maximum [${MAX_ATTRIBUTES}].`,
    );
  }
  const attributes: Record<string, MessageAttribute> = {};
  let size = 0;
  for (const [name, value] of entries) {
    validateAttributeName(name);
    const normalised = normaliseAttribute(name, value, 'user');
    attributes[name] = normalised.attribute;
    size += normalised.size;
  }
  return { attributes, size };
};

const normaliseTraceHeader = (
  input: Readonly<Record<string, MessageAttributeInput>> | undefined,
): { traceHeader: string | undefined; md5: string | undefined } => {
  const entries = Object.entries(input ?? {});
  if (entries.length === 0) return { traceHeader: undefined, md5: undefined };
  for (const [name] of entries) {
    if (name !== 'AWSTraceHeader') {
      throw new SqsError(
        'InvalidParameterValue',
        `Message system attribute name '${name}' is invalid. The only supported message system attribute is AWSTraceHeader.`,
      );
    }
  }
  const value = input?.AWSTraceHeader ?? {};
  if (value.DataType !== 'String' || value.StringValue === undefined || value.StringValue === '') {
    throw new SqsError(
      'InvalidParameterValue',
      "The message system attribute 'AWSTraceHeader' must be of type 'String' with a non-empty value.",
    );
  }
  const attribute = normaliseAttribute('AWSTraceHeader', value, 'system').attribute;
  return {
    traceHeader: value.StringValue,
    md5: md5OfMessageAttributes({ AWSTraceHeader: attribute }),
  };
};

/** Validates a message against the target queue the way SendMessage does, and computes its digests. */
export const prepareMessage = (input: SendInput, rules: SendRules): PreparedMessage => {
  const body = input.body;
  if (body === undefined || body === '') throw missingParameter('MessageBody');
  if (!hasOnlyAllowedCharacters(body)) throw new SqsError('InvalidMessageContents', INVALID_CONTENTS);

  const delaySeconds = input.delaySeconds;
  if (delaySeconds !== undefined) {
    if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > MAX_DELAY_SECONDS) {
      throw invalidParameter(
        'DelaySeconds',
        delaySeconds,
        `DelaySeconds must be >= 0 and <= ${MAX_DELAY_SECONDS}.`,
      );
    }
    if (rules.fifo && delaySeconds !== 0) {
      throw invalidParameter(
        'DelaySeconds',
        delaySeconds,
        'The request include parameter that is not valid for this queue type.',
      );
    }
  }

  const { attributes, size: attributesSize } = normaliseMessageAttributes(input.attributes);
  const { traceHeader, md5: md5OfSystemAttributes } = normaliseTraceHeader(input.systemAttributes);
  const size = Buffer.byteLength(body, 'utf8') + attributesSize;
  if (size > rules.maximumMessageSize) {
    throw new SqsError(
      'InvalidParameterValue',
      `One or more parameters are invalid. Reason: Message must be shorter than ${rules.maximumMessageSize} bytes.`,
    );
  }

  let groupId = input.groupId;
  let dedupId = input.dedupId;
  if (groupId !== undefined && !TOKEN.test(groupId)) {
    throw invalidParameter(
      'MessageGroupId',
      groupId,
      'MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.',
    );
  }
  if (dedupId !== undefined && !TOKEN.test(dedupId)) {
    throw invalidParameter(
      'MessageDeduplicationId',
      dedupId,
      'MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.',
    );
  }
  if (rules.fifo) {
    if (groupId === undefined) throw missingParameter('MessageGroupId');
    if (dedupId === undefined) {
      if (!rules.contentBasedDeduplication) {
        throw new SqsError(
          'InvalidParameterValue',
          'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
        );
      }
      dedupId = sha256Hex(body);
    }
  } else if (dedupId !== undefined) {
    throw invalidParameter(
      'MessageDeduplicationId',
      dedupId,
      'The request includes a parameter that is not valid for this queue type.',
    );
  } else if (groupId === '') {
    groupId = undefined;
  }

  return {
    body,
    md5OfBody: md5Hex(body),
    attributes,
    md5OfAttributes: md5OfMessageAttributes(attributes),
    traceHeader,
    md5OfSystemAttributes,
    groupId,
    dedupId,
    delaySeconds,
    size,
  };
};

/** Reads `MessageAttributes`/`MessageSystemAttributes` from a JSON request: BinaryValue is base64 there. */
export const wireMessageAttributes = (
  value: unknown,
  parameter: string,
): Record<string, MessageAttributeInput> | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalidParameter(parameter, value, 'Must be a map of message attribute values.');
  }
  const result: Record<string, MessageAttributeInput> = {};
  for (const [name, raw] of Object.entries(value as Record<string, unknown>)) {
    if (typeof raw !== 'object' || raw === null) {
      throw invalidParameter(`${parameter}.${name}`, raw, 'Must be a message attribute value.');
    }
    const { DataType, StringValue, BinaryValue } = raw as Record<string, unknown>;
    if (DataType !== undefined && typeof DataType !== 'string') {
      throw invalidParameter(`${parameter}.${name}.DataType`, DataType, 'Must be a string.');
    }
    if (StringValue !== undefined && StringValue !== null && typeof StringValue !== 'string') {
      throw invalidParameter(`${parameter}.${name}.StringValue`, StringValue, 'Must be a string.');
    }
    if (BinaryValue !== undefined && BinaryValue !== null && typeof BinaryValue !== 'string') {
      throw invalidParameter(`${parameter}.${name}.BinaryValue`, BinaryValue, 'Must be base64 encoded.');
    }
    result[name] = {
      DataType,
      StringValue: typeof StringValue === 'string' ? StringValue : undefined,
      BinaryValue: typeof BinaryValue === 'string' ? Buffer.from(BinaryValue, 'base64') : undefined,
    };
  }
  return result;
};
