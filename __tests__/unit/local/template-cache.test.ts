import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageInputsDigest } from '../../../src/local/template-cache';

describe('packageInputsDigest: when a restart may reuse the last package', () => {
  it('is the same for the same stage and settings', () => {
    expect(packageInputsDigest('local', { PAYMENT_PROVIDER_URL: 'http://127.0.0.1:4010' })).toBe(
      packageInputsDigest('local', { PAYMENT_PROVIDER_URL: 'http://127.0.0.1:4010' }),
    );
  });

  it('changes with the stage and with any setting that changes what is compiled', () => {
    const local = packageInputsDigest('local', { PAYMENT_PROVIDER_URL: 'http://127.0.0.1:4010' });
    expect(packageInputsDigest('ci', { PAYMENT_PROVIDER_URL: 'http://127.0.0.1:4010' })).not.toBe(local);
    expect(packageInputsDigest('local', { PAYMENT_PROVIDER_URL: 'http://127.0.0.1:4011' })).not.toBe(local);
  });

  it('changes when a file the package is built from changes, and not for one it is not', () => {
    const root = mkdtempSync(join(tmpdir(), 'orderflow-inputs-'));
    try {
      mkdirSync(join(root, 'src', 'handlers'), { recursive: true });
      mkdirSync(join(root, 'docs'));
      writeFileSync(join(root, 'serverless.yml'), 'service: x\n');
      writeFileSync(join(root, 'src', 'handlers', 'a.ts'), 'export const a = 1;\n');
      const before = packageInputsDigest('local', {}, root);
      writeFileSync(join(root, 'docs', 'notes.md'), 'not an input\n');
      expect(packageInputsDigest('local', {}, root)).toBe(before);
      writeFileSync(join(root, 'src', 'handlers', 'a.ts'), 'export const a = 2;\n');
      expect(packageInputsDigest('local', {}, root)).not.toBe(before);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
