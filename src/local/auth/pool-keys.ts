import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../template';

/** One signing key of the local user pool, as Cognito publishes it: an RS256 key with a key id. */
export interface PoolSigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
}

/** A JSON Web Key Set, the shape of a Cognito pool's `.well-known/jwks.json`. */
export interface Jwks {
  readonly keys: readonly (JsonWebKey & { kid: string; alg: 'RS256'; use: 'sig' })[];
}

/**
 * Where the local pool keeps its private key: in the project's own ignored work folder, readable by
 * its owner only. `npm start` and `npm run token` (separate processes) share it, so the runtime can
 * verify signatures the way API Gateway checks them against the pool's JWKS; a page on the web, or
 * anyone without this file, cannot mint a token the offline API accepts.
 */
export const DEFAULT_POOL_KEY_DIR = join(PROJECT_ROOT, '.orderflow', 'local-user-pool');
const KEY_FILE = 'signing-key.pem';

const isCode = (error: unknown, code: string): boolean => (error as { code?: unknown }).code === code;

/** RFC 7638 thumbprint of an RSA public key: a key id that changes when the key does. */
function thumbprint(publicKey: KeyObject): string {
  const { e, n } = publicKey.export({ format: 'jwk' });
  return createHash('sha256')
    .update(JSON.stringify({ e, kty: 'RSA', n }))
    .digest('base64url');
}

/** Creates the key file at most once, even when two processes race to create it. */
function createKeyFile(path: string, dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  });
  const draft = `${path}.${process.pid}.${randomUUID()}`;
  writeFileSync(draft, pem, { mode: 0o600, flag: 'wx' });
  try {
    // link() fails if the file exists: the first writer wins and everybody reads its key.
    linkSync(draft, path);
  } catch (error) {
    if (!isCode(error, 'EEXIST')) throw error;
  } finally {
    unlinkSync(draft);
  }
}

const loaded = new Map<string, PoolSigningKey>();

/** The local pool's signing key, created on first use. */
export function poolSigningKey(dir = DEFAULT_POOL_KEY_DIR): PoolSigningKey {
  const cached = loaded.get(dir);
  if (cached) return cached;
  const path = join(dir, KEY_FILE);
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch (error) {
    if (!isCode(error, 'ENOENT')) throw error;
    createKeyFile(path, dir);
    pem = readFileSync(path);
  }
  const privateKey = createPrivateKey(pem);
  const key = { kid: thumbprint(createPublicKey(privateKey)), privateKey };
  loaded.set(dir, key);
  return key;
}

/** The public half, as the pool's JWKS publishes it. */
export function poolJwks(dir = DEFAULT_POOL_KEY_DIR): Jwks {
  const { kid, privateKey } = poolSigningKey(dir);
  const { kty, n, e } = createPublicKey(privateKey).export({ format: 'jwk' });
  return { keys: [{ kty, n, e, kid, alg: 'RS256', use: 'sig' }] };
}
