/** A JSON answer of the simulator: a status and a body serialised as JSON. */
export interface SimResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The error body every failed request gets, shaped like a card processor's. */
export interface ProviderErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly param?: string;
    readonly declineCode?: string;
  };
}

export interface ProviderErrorDetails {
  /** The request field at fault, for 400 invalid_request. */
  readonly param?: string;
  /** The issuer's reason, for 402 declines. */
  readonly declineCode?: string;
}

/** Thrown inside the simulator to answer with an error status; never leaves the process. */
export class SimulatorHttpError extends Error {
  override readonly name = 'SimulatorHttpError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ProviderErrorDetails = {},
  ) {
    super(message);
  }

  toResponse(): SimResponse {
    const body: ProviderErrorBody = {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details.param !== undefined ? { param: this.details.param } : {}),
        ...(this.details.declineCode !== undefined ? { declineCode: this.details.declineCode } : {}),
      },
    };
    return { status: this.status, body };
  }
}

export const invalidRequest = (message: string, param?: string): SimulatorHttpError =>
  new SimulatorHttpError(400, 'invalid_request', message, { param });
