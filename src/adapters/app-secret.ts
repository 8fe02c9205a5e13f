import { hkdfSync } from 'node:crypto';
import { MissingSettingError, requiredEnv } from './env';

/** The shortest stack secret accepted: 32 characters, enough entropy for HMAC-SHA256 and AES-256 keys. */
export const MIN_APP_SECRET_LENGTH = 32;

/**
 * The stack's secret (`APP_SECRET`, from the `appSecret` parameter: `ORDERFLOW_APP_SECRET` at deploy
 * time; a fixed, documented, non-secret value on the offline `local` stage). A missing or short one
 * fails closed: nothing is signed or sealed with an empty key.
 */
export const appSecret = (): string => {
  const secret = requiredEnv('APP_SECRET');
  if (secret.length < MIN_APP_SECRET_LENGTH) {
    throw new MissingSettingError(`APP_SECRET must be at least ${MIN_APP_SECRET_LENGTH} characters`);
  }
  return secret;
};

/**
 * A 32-byte key for one purpose, derived from the secret with HKDF-SHA256, so each use (page tokens,
 * payment-method references) has its own key and one leaking or being misused says nothing of another.
 */
export const purposeKey = (secret: string, purpose: string): Buffer =>
  Buffer.from(hkdfSync('sha256', secret, 'orderflow', purpose, 32));
