/**
 * Sending an email failed: the transport refused or could not be reached, or no transport is
 * configured in production. The original error, if any, is `cause`.
 */
export class EmailDeliveryError extends Error {
  /** Stable code for logs and API answers. */
  readonly code = "EMAIL_DELIVERY_FAILED" as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EmailDeliveryError";
  }
}
