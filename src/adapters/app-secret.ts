import { hkdfSync } from 'node:crypto';

/**
 * A 32-byte key for one purpose, derived from the secret with HKDF-SHA256, so each use (page tokens,
 * payment-method references) has its own key and one leaking or being misused says nothing of another.
 */
export const purposeKey = (secret: string, purpose: string): Buffer =>
  Buffer.from(hkdfSync('sha256', secret, 'orderflow', purpose, 32));
