import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingArtifacts, packageInputsDigest } from '../../../src/local/template-cache';
import type { CfnTemplate } from '../../../src/local/template';

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

describe('missingArtifacts: a package is reused only when it is whole', () => {
  const template = {
    Resources: {
      HealthLambdaFunction: {
        Type: 'AWS::Lambda::Function',
        Properties: { Code: { S3Key: 'serverless/orderflow/local/123/health.zip' } },
      },
      PlaceOrderLambdaFunction: {
        Type: 'AWS::Lambda::Function',
        Properties: { Code: { S3Key: 'serverless/orderflow/local/123/placeOrder.zip' } },
      },
      Table: { Type: 'AWS::DynamoDB::Table', Properties: {} },
    },
  } as unknown as CfnTemplate;

  it('names the zips the template deploys from that the folder has lost', () => {
    const dir = mkdtempSync(join(tmpdir(), 'orderflow-package-'));
    try {
      writeFileSync(join(dir, 'health.zip'), 'zip');
      expect(missingArtifacts(template, dir)).toEqual(['placeOrder.zip']);
      writeFileSync(join(dir, 'placeOrder.zip'), 'zip');
      expect(missingArtifacts(template, dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
