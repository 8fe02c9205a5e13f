import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { purposeKey } from '../app-secret';

const VERSION = 'pm1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A reference that is not one this stack sealed for this order (tampered, another stack's, another order's). */
export class UnreadablePaymentMethodError extends Error {
  override readonly name = 'UnreadablePaymentMethodError';
}

/**
 * Payment-method references: what an order records instead of the payment token. `seal` encrypts the
 * token with AES-256-GCM under a key derived from the stack's secret, binding it to the order id (the
 * additional authenticated data), so the event store, the bus, its archive and logs hold only a
 * reference that the payment step, and nothing else, can turn back into the token; a reference copied
 * into another order does not open. Rotating the secret makes every reference recorded before unusable
 * (orders still in flight then fail to authorize and are cancelled).
 */
export class PaymentMethodReferences {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = purposeKey(secret, 'payment-method-reference/v1');
  }

  /** `pm1.<base64url(iv | ciphertext | tag)>` */
  seal(token: string, orderId: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(orderId, 'utf8'));
    const sealed = Buffer.concat([iv, cipher.update(token, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}.${sealed.toString('base64url')}`;
  }

  /** The token sealed in `reference` for `orderId`; throws UnreadablePaymentMethodError otherwise. */
  open(reference: string, orderId: string): string {
    const [version, body, extra] = reference.split('.');
    const sealed = Buffer.from(body ?? '', 'base64url');
    if (version !== VERSION || extra !== undefined || sealed.length < IV_BYTES + TAG_BYTES + 1) {
      throw new UnreadablePaymentMethodError(`order ${orderId}: not a payment-method reference`);
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, IV_BYTES))
        .setAAD(Buffer.from(orderId, 'utf8'))
        .setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      const token = decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES));
      return Buffer.concat([token, decipher.final()]).toString('utf8');
    } catch {
      throw new UnreadablePaymentMethodError(
        `order ${orderId}: the payment-method reference was not sealed for this order by this stack`,
      );
    }
  }
}
