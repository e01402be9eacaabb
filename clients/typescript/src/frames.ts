// The frames of heartrule.v1 (docs/protocol.md), field for field as src/HeartRule.Protocol/Frames.cs declares
// them. The C# test TypeScriptFramesTests reads this file and fails when a frame, a field, whether it is optional
// or its kind of value differs from the C# record: keep one interface per frame and one field per line.
// Servers add fields to frames; a client ignores those it does not know.

/** A UUID. */
export type Uuid = string;
/** ISO 8601 with an offset. */
export type Timestamp = string;
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type MessageRole = "user" | "assistant" | "system" | "counsellor";
export type ExecutionStatus = "waiting_input" | "completed" | "error";
export type RiskLevel = "high" | "imminent";

/** `{actionType, round}` on AI messages; `counsellorId` on a counsellor's. */
export interface MessageMetadata {
  actionType?: string;
  round?: number;
  counsellorId?: string;
  [key: string]: JsonValue | undefined;
}

export interface TurnPosition {
  phaseIndex: number;
  phaseId: string | null;
  topicIndex: number;
  topicId: string | null;
  actionIndex: number;
  actionId: string | null;
  actionType: string | null;
  currentRound: number;
  maxRounds: number;
}

export interface VariableChange {
  name: string;
  scope: string;
  oldValue?: JsonValue;
  newValue?: JsonValue;
  actionId?: string | null;
}

export interface TurnError {
  code: string;
  message: string;
  retryable: boolean;
}

export interface LlmCall {
  actionId: string;
  purpose: string;
  model: string;
  prompt?: string | null;
  response?: string | null;
  promptTokens?: number | null;
  completionTokens?: number | null;
  latencyMs: number;
  finishReason?: string | null;
  template?: string | null;
}

export interface TurnDebug {
  llmCalls: LlmCall[];
  variables: Record<string, Record<string, JsonValue>>;
}

// Client → server

export interface SessionStartFrame {
  type: "session.start";
  requestId: string;
  scriptId: string;
  version?: number;
  initialVariables?: Record<string, JsonValue>;
  debug?: boolean;
  locale?: string;
}

export interface SessionAttachFrame {
  type: "session.attach";
  requestId: string;
  sessionId: Uuid;
  lastSeq?: number;
  debug?: boolean;
}

export interface SessionDetachFrame {
  type: "session.detach";
  sessionId: Uuid;
}

export interface InputFrame {
  type: "input";
  requestId: string;
  sessionId: Uuid;
  clientMessageId: string;
  text: string;
}

export interface PingFrame {
  type: "ping";
}

export interface AuthRefreshFrame {
  type: "auth.refresh";
  requestId?: string;
  token: string;
}

export interface LocaleChangeFrame {
  type: "locale.change";
  requestId?: string;
  locale: string;
}

export interface SafetySubscribeFrame {
  type: "safety.subscribe";
  requestId?: string;
}

export interface CounsellorTakeFrame {
  type: "counsellor.take";
  requestId: string;
  sessionId: Uuid;
  clientMessageId: string;
}

export interface CounsellorSayFrame {
  type: "counsellor.say";
  requestId: string;
  sessionId: Uuid;
  clientMessageId: string;
  text: string;
}

export interface CounsellorReleaseFrame {
  type: "counsellor.release";
  requestId: string;
  sessionId: Uuid;
  clientMessageId: string;
}

// Server → client

export interface SessionStartedFrame {
  type: "session.started";
  requestId: string;
  sessionId: Uuid;
}

export interface SessionAttachedFrame {
  type: "session.attached";
  requestId: string;
  sessionId: Uuid;
}

export interface AckFrame {
  type: "ack";
  requestId: string;
  clientMessageId: string;
}

export interface MessageFrame {
  type: "message";
  sessionId: Uuid;
  seq: number;
  messageId: Uuid;
  role: MessageRole;
  content: string;
  actionId?: string;
  metadata?: MessageMetadata;
  timestamp: Timestamp;
}

export interface MessageDeltaFrame {
  type: "message.delta";
  sessionId: Uuid;
  messageId: Uuid;
  index: number;
  text: string;
  discarded?: boolean;
}

export interface TurnCompletedFrame {
  type: "turn.completed";
  sessionId: Uuid;
  seq: number;
  executionStatus: ExecutionStatus;
  position: TurnPosition;
  changedVariables: VariableChange[];
  error?: TurnError;
  debug?: TurnDebug;
}

export interface ErrorFrame {
  type: "error";
  requestId?: string;
  sessionId?: Uuid;
  code: string;
  message: string;
  retryable: boolean;
}

export interface PongFrame {
  type: "pong";
}

export interface AuthExpiringFrame {
  type: "auth.expiring";
  expiresAt: Timestamp;
}

export interface AuthRefreshedFrame {
  type: "auth.refreshed";
  requestId?: string;
  expiresAt: Timestamp;
}

export interface LocaleChangedFrame {
  type: "locale.changed";
  requestId?: string;
  locale: string;
}

export interface SafetySubscribedFrame {
  type: "safety.subscribed";
  requestId?: string;
}

export interface SafetyAlertFrame {
  type: "safety.alert";
  sessionId: Uuid;
  seq: number;
  riskLevel: RiskLevel;
  reason?: string;
  scriptId: string;
  evidence: string[];
  flaggedAt: Timestamp;
}

export type ClientFrame =
  | SessionStartFrame
  | SessionAttachFrame
  | SessionDetachFrame
  | InputFrame
  | PingFrame
  | AuthRefreshFrame
  | LocaleChangeFrame
  | SafetySubscribeFrame
  | CounsellorTakeFrame
  | CounsellorSayFrame
  | CounsellorReleaseFrame;

export type ServerFrame =
  | SessionStartedFrame
  | SessionAttachedFrame
  | AckFrame
  | MessageFrame
  | MessageDeltaFrame
  | TurnCompletedFrame
  | ErrorFrame
  | PongFrame
  | AuthExpiringFrame
  | AuthRefreshedFrame
  | LocaleChangedFrame
  | SafetySubscribedFrame
  | SafetyAlertFrame;

export const SUBPROTOCOL = "heartrule.v1";
