/**
 * Receipt handles name one receive of one message: the queue (and its incarnation, so a handle
 * outlives neither a deleted queue nor a recreated one of the same name), the message and the
 * receive number. Every receive yields a new handle; only the latest one acts on the message.
 */
export interface Receipt {
  readonly queueName: string;
  readonly incarnation: string;
  readonly messageId: string;
  readonly receiveNumber: number;
}

const SEPARATOR = '#';

export const encodeReceipt = (receipt: Receipt): string =>
  Buffer.from(
    [receipt.messageId, receipt.queueName, receipt.incarnation, String(receipt.receiveNumber)].join(
      SEPARATOR,
    ),
    'utf8',
  ).toString('base64');

export const decodeReceipt = (handle: string): Receipt | undefined => {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(handle)) return undefined;
  const parts = Buffer.from(handle, 'base64').toString('utf8').split(SEPARATOR);
  if (parts.length !== 4) return undefined;
  const [messageId, queueName, incarnation, receiveNumber] = parts as [string, string, string, string];
  if (!/^[1-9]\d*$/.test(receiveNumber) || !messageId || !queueName || !incarnation) return undefined;
  return { messageId, queueName, incarnation, receiveNumber: Number(receiveNumber) };
};
