import { SimulatorHttpError, type SimResponse } from './errors';
import type { Ledger } from './ledger';
import type { AmountRequest, AuthorizationRequest } from './validation';

/** The simulator must hold this request for its timeout delay, then answer 504. */
export const HOLD = Symbol('hold');
export type Outcome = SimResponse | typeof HOLD;

/** Attempts of `tok_flaky` per order that fail before one succeeds. */
export const FLAKY_FAILURES = 2;

interface AuthorizationRecord {
  readonly id: string;
  readonly orderId: string;
  readonly amount: number;
  readonly currency: string;
  state: 'authorized' | 'captured' | 'voided';
}

interface CaptureRecord {
  readonly id: string;
  readonly authorizationId: string;
  readonly orderId: string;
  readonly amount: number;
  readonly currency: string;
  refunded: number;
}

type TokenBehaviour =
  | { readonly kind: 'approve' }
  | {
      readonly kind: 'decline';
      readonly code: string;
      readonly declineCode: string;
      readonly message: string;
    }
  | { readonly kind: 'flaky' }
  | { readonly kind: 'timeout' };

/** Test tokens, like a card processor's test cards. Any other token is declined as `unknown_token`. */
const TOKENS: Readonly<Record<string, TokenBehaviour>> = {
  tok_visa: { kind: 'approve' },
  tok_mastercard: { kind: 'approve' },
  tok_decline: {
    kind: 'decline',
    code: 'card_declined',
    declineCode: 'generic_decline',
    message: 'Your card was declined.',
  },
  tok_insufficient_funds: {
    kind: 'decline',
    code: 'insufficient_funds',
    declineCode: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
  tok_flaky: { kind: 'flaky' },
  tok_timeout: { kind: 'timeout' },
};

const behaviourOf = (token: string): TokenBehaviour =>
  Object.hasOwn(TOKENS, token)
    ? (TOKENS[token] as TokenBehaviour)
    : {
        kind: 'decline',
        code: 'card_declined',
        declineCode: 'unknown_token',
        message: `Your card was declined (unknown test token "${token}").`,
      };

/** An authorization as the provider reports it when asked (`GET /v1/authorizations`). */
export interface AuthorizationView {
  readonly authorizationId: string;
  readonly status: AuthorizationRecord['state'];
  readonly orderId: string;
  readonly amount: number;
  readonly currency: string;
  /** The capture, once captured. */
  readonly captureId?: string;
}

const notFound = (what: string, param: string, id: string) =>
  new SimulatorHttpError(404, 'resource_missing', `No such ${what}: ${id}`, { param });

/**
 * The provider's state: authorizations, captures and refunds, and the rules between them. Every
 * method either changes state (recording it in the ledger once) and returns the response, or throws
 * a SimulatorHttpError having changed nothing.
 */
export class PaymentProcessor {
  private readonly authorizations = new Map<string, AuthorizationRecord>();
  private readonly captures = new Map<string, CaptureRecord>();
  private readonly flakyAttempts = new Map<string, number>();

  constructor(
    private readonly ledger: Ledger,
    private readonly newId: (prefix: string) => string,
  ) {}

  authorize(request: AuthorizationRequest): Outcome {
    const { orderId, amount, currency, token } = request;
    const behaviour = behaviourOf(token);
    switch (behaviour.kind) {
      case 'timeout':
        return HOLD;
      case 'decline':
        this.ledger.record('decline', { id: this.newId('dcl'), orderId, amount, currency });
        throw new SimulatorHttpError(402, behaviour.code, behaviour.message, {
          declineCode: behaviour.declineCode,
        });
      case 'flaky': {
        const attempt = (this.flakyAttempts.get(orderId) ?? 0) + 1;
        this.flakyAttempts.set(orderId, attempt);
        if (attempt <= FLAKY_FAILURES) {
          throw new SimulatorHttpError(
            503,
            'processing_error',
            `An error occurred while processing the card (attempt ${attempt}); try again`,
          );
        }
        break;
      }
      case 'approve':
        break;
    }
    const authorization: AuthorizationRecord = {
      id: this.newId('auth'),
      orderId,
      amount,
      currency,
      state: 'authorized',
    };
    this.authorizations.set(authorization.id, authorization);
    this.ledger.record('authorization', { id: authorization.id, orderId, amount, currency });
    return {
      status: 201,
      body: { authorizationId: authorization.id, status: 'authorized', amount, currency, orderId },
    };
  }

  /** Captures once, all or part of the authorized amount; the rest of the hold is released. */
  capture(authorizationId: string, request: AmountRequest): Outcome {
    const authorization = this.authorizations.get(authorizationId);
    if (!authorization) throw notFound('authorization', 'authorizationId', authorizationId);
    if (authorization.state === 'voided') {
      throw new SimulatorHttpError(
        409,
        'authorization_voided',
        `Authorization ${authorizationId} was voided`,
      );
    }
    if (authorization.state === 'captured') {
      throw new SimulatorHttpError(
        409,
        'already_captured',
        `Authorization ${authorizationId} was already captured`,
      );
    }
    const amount = request.amount ?? authorization.amount;
    if (amount > authorization.amount) {
      throw new SimulatorHttpError(
        422,
        'amount_too_large',
        `Cannot capture ${amount}: authorization ${authorizationId} is for ${authorization.amount}`,
      );
    }
    const { orderId, currency } = authorization;
    const capture: CaptureRecord = {
      id: this.newId('cap'),
      authorizationId,
      orderId,
      amount,
      currency,
      refunded: 0,
    };
    authorization.state = 'captured';
    this.captures.set(capture.id, capture);
    this.ledger.record('capture', { id: capture.id, orderId, amount, currency });
    return {
      status: 200,
      body: { captureId: capture.id, authorizationId, amount, status: 'captured', orderId, currency },
    };
  }

  /** Releases an uncaptured authorization; voiding a voided one answers the same again. */
  void(authorizationId: string): Outcome {
    const authorization = this.authorizations.get(authorizationId);
    if (!authorization) throw notFound('authorization', 'authorizationId', authorizationId);
    if (authorization.state === 'captured') {
      throw new SimulatorHttpError(
        409,
        'already_captured',
        `Authorization ${authorizationId} was captured; refund the capture instead`,
      );
    }
    const { orderId, amount, currency } = authorization;
    if (authorization.state === 'authorized') {
      authorization.state = 'voided';
      this.ledger.record('void', { id: authorizationId, orderId, amount, currency });
    }
    return { status: 200, body: { authorizationId, status: 'voided', orderId, amount, currency } };
  }

  /** Refunds all or part of what is left of a capture; several partial refunds may follow each other. */
  refund(captureId: string, request: AmountRequest): Outcome {
    const capture = this.captures.get(captureId);
    if (!capture) throw notFound('capture', 'captureId', captureId);
    const refundable = capture.amount - capture.refunded;
    const amount = request.amount ?? refundable;
    if (refundable === 0 || amount > refundable) {
      throw new SimulatorHttpError(
        422,
        'amount_too_large',
        `Cannot refund ${amount}: ${refundable} of capture ${captureId} is left to refund`,
      );
    }
    const { orderId, currency } = capture;
    const refundId = this.newId('rfd');
    capture.refunded += amount;
    this.ledger.record('refund', { id: refundId, orderId, amount, currency });
    return {
      status: 201,
      body: { refundId, captureId, amount, status: 'refunded', orderId, currency },
    };
  }

  /** The authorization with this id as it stands now, or undefined. */
  authorization(authorizationId: string): AuthorizationView | undefined {
    const authorization = this.authorizations.get(authorizationId);
    return authorization && this.view(authorization);
  }

  /** Every authorization made for an order (its merchant reference), oldest first. */
  authorizationsOf(orderId: string): AuthorizationView[] {
    return [...this.authorizations.values()]
      .filter((authorization) => authorization.orderId === orderId)
      .map((authorization) => this.view(authorization));
  }

  private view({ id, state, orderId, amount, currency }: AuthorizationRecord): AuthorizationView {
    const capture = [...this.captures.values()].find((c) => c.authorizationId === id);
    return {
      authorizationId: id,
      status: state,
      orderId,
      amount,
      currency,
      ...(capture ? { captureId: capture.id } : {}),
    };
  }

  clear(): void {
    this.authorizations.clear();
    this.captures.clear();
    this.flakyAttempts.clear();
  }
}
