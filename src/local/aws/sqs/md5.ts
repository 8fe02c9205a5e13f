import { createHash } from 'node:crypto';

/** A message attribute as stored: binary values are bytes, never base64. */
export interface MessageAttribute {
  readonly dataType: string;
  readonly stringValue?: string;
  readonly binaryValue?: Buffer;
}

export type MessageAttributes = Readonly<Record<string, MessageAttribute>>;

export const md5Hex = (data: string | Buffer): string => createHash('md5').update(data).digest('hex');

export const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');

const STRING_TRANSPORT = Buffer.from([1]);
const BINARY_TRANSPORT = Buffer.from([2]);

/**
 * MD5 of message attributes exactly as SQS computes it (and the Java/.NET SDKs verify it): for each
 * attribute, in ascending order of name, the UTF-8 name, the UTF-8 data type, a transport byte
 * (1 = String, used by String and Number; 2 = Binary), then the value — each of name, type and
 * value preceded by its length as a 4-byte big-endian integer. Undefined when there are none.
 */
export const md5OfMessageAttributes = (attributes: MessageAttributes): string | undefined => {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const parts: Buffer[] = [];
  const pushWithLength = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    parts.push(length, bytes);
  };
  for (const name of names) {
    const attribute = attributes[name];
    if (!attribute) continue;
    pushWithLength(Buffer.from(name, 'utf8'));
    pushWithLength(Buffer.from(attribute.dataType, 'utf8'));
    if (attribute.stringValue !== undefined) {
      parts.push(STRING_TRANSPORT);
      pushWithLength(Buffer.from(attribute.stringValue, 'utf8'));
    } else {
      parts.push(BINARY_TRANSPORT);
      pushWithLength(attribute.binaryValue ?? Buffer.alloc(0));
    }
  }
  return md5Hex(Buffer.concat(parts));
};
