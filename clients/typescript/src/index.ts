export { HeartRuleClient } from "./client.js";
export type {
  AttachOptions,
  ConnectionState,
  HeartRuleClientOptions,
  HeartRuleEvents,
  StartOptions,
  StateChange,
  TokenSource,
  WebSocketConstructor,
  WebSocketLike,
} from "./client.js";
export { backoffDelay, defaultBackoff, type BackoffOptions } from "./backoff.js";
export { DeltaAssembler, type DeltaLimits, type Draft } from "./deltas.js";
export { ClientErrorCodes, HeartRuleError } from "./errors.js";
export { SequenceTracker } from "./sequence.js";
export * from "./frames.js";
