import type { ErrorFrame } from "./frames.js";

/** Codes of failures the client itself finds; the server's are in docs/protocol.md, "Error codes". */
export const ClientErrorCodes = {
  /** `close()` was called while the request was waiting. */
  clientClosed: "CLIENT_CLOSED",
  /** The connection dropped before the server answered a request that is not safe to send twice (`session.start`). */
  connectionLost: "CONNECTION_LOST",
  /** More unacknowledged inputs than `maxPendingInputs`: wait for some acks. */
  tooManyPending: "TOO_MANY_PENDING",
  /** A frame over the gateway's limit, which would close the socket (1009) each time it was sent. */
  frameTooLarge: "FRAME_TOO_LARGE",
} as const;

/** A request failed: `code` says why (the server's codes, or ClientErrorCodes), `retryable` whether trying again may help. */
export class HeartRuleError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    readonly requestId?: string,
    readonly sessionId?: string,
  ) {
    super(message);
    this.name = "HeartRuleError";
  }

  static from(frame: ErrorFrame): HeartRuleError {
    return new HeartRuleError(frame.code, frame.message, frame.retryable, frame.requestId, frame.sessionId);
  }
}
