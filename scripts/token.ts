/**
 * `npm run token [-- --admin] [-- --subject NAME] [-- --ttl SECONDS]`: prints a bearer token the
 * offline HTTP API accepts, e.g. `curl -H "Authorization: Bearer $(npm run -s token)" ...`.
 */
import { parseArgs } from 'node:util';
import { issueDevToken } from '../src/local/auth/dev-token';

const { values } = parseArgs({
  options: {
    admin: { type: 'boolean', default: false },
    subject: { type: 'string' },
    ttl: { type: 'string', default: '3600' },
    region: { type: 'string', default: process.env.AWS_REGION ?? 'us-east-1' },
  },
});

const ttl = Number(values.ttl);
if (!Number.isInteger(ttl) || ttl <= 0) {
  console.error(`--ttl must be a positive whole number of seconds, got ${values.ttl}`);
  process.exit(2);
}
process.stdout.write(
  `${issueDevToken({ role: values.admin ? 'admin' : 'customer', subject: values.subject, expiresInSeconds: ttl, region: values.region })}\n`,
);
