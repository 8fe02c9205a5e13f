import { InvalidPageTokenError, type OrderPageKey } from '../../adapters/dynamodb/page-token';
import { requireActingFor } from '../../domain/shared/access';
import { ValidationError, type FieldIssue } from '../../domain/shared/errors';
import { jsonApi } from '../http/json-api';
import { orderReadModel, pageTokens } from '../composition-root/stores';

export const LIST_LIMITS = { default: 20, max: 100 } as const;
const CUSTOMER_ID = /^[A-Za-z0-9_-]{1,64}$/;

function parseQuery(query: Readonly<Record<string, string | undefined>>) {
  const issues: FieldIssue[] = [];
  const customerId = query.customerId;
  if (!customerId) issues.push({ path: 'customerId', rule: 'required', message: 'customerId is required' });
  else if (!CUSTOMER_ID.test(customerId)) {
    issues.push({ path: 'customerId', rule: 'pattern', message: 'must be 1-64 letters, digits, _ or -' });
  }
  const limit = query.limit === undefined ? LIST_LIMITS.default : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > LIST_LIMITS.max) {
    issues.push({ path: 'limit', rule: 'range', message: `must be an integer from 1 to ${LIST_LIMITS.max}` });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return { customerId: customerId as string, limit, nextToken: query.nextToken };
}

/** The key a `nextToken` stands for; 400 on `nextToken` for any token not issued for this customer's list. */
function startKeyOf(nextToken: string | undefined, customerId: string): OrderPageKey | undefined {
  if (nextToken === undefined || nextToken === '') return undefined;
  try {
    return pageTokens().read(nextToken, customerId);
  } catch (error) {
    if (!(error instanceof InvalidPageTokenError)) throw error;
    throw new ValidationError([{ path: 'nextToken', rule: 'token', message: error.message }]);
  }
}

/** GET /orders?customerId=&limit=&nextToken=: a customer's orders, newest first, with signed page tokens. */
export const handler = jsonApi(
  async (request) => {
    const { customerId, limit, nextToken } = parseQuery(request.query);
    requireActingFor(request.caller, customerId);
    const page = await orderReadModel().listByCustomer(customerId, limit, startKeyOf(nextToken, customerId));
    return {
      status: 200,
      body: {
        items: page.items,
        ...(page.lastKey ? { nextToken: pageTokens().issue(page.lastKey) } : {}),
      },
    };
  },
  { withBody: false },
);
