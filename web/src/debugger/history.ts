import type { MessageFrame, MessageMetadata, MessageRole, TurnCompletedFrame, TurnDebug, TurnPosition, VariableChange } from "@heartrule/client";
import type { Auth } from "../shared/auth";

/** A message as GET /api/sessions/{id}/messages gives it. */
export interface StoredMessage {
  id: string;
  seq: number;
  role: MessageRole;
  content: string;
  actionId: string | null;
  metadata: MessageMetadata | null;
  timestamp: string;
}

/** A turn as GET /api/sessions/{id}/turns gives it: its error is a problem document, its debug record null for anyone but the script's authors. */
export interface StoredTurn {
  seq: number;
  executionStatus: TurnCompletedFrame["executionStatus"];
  position: TurnPosition;
  changedVariables: VariableChange[];
  error: { code: string; detail?: string | null; title?: string | null; recovery?: { canRetry?: boolean } | null } | null;
  debug: TurnDebug | null;
}

/** A stored message as the socket would have delivered it. */
export function messageFrame(sessionId: string, m: StoredMessage): MessageFrame {
  const frame: MessageFrame = { type: "message", sessionId, seq: m.seq, messageId: m.id, role: m.role, content: m.content, timestamp: m.timestamp };
  if (m.actionId) frame.actionId = m.actionId;
  if (m.metadata) frame.metadata = m.metadata;
  return frame;
}

/** A stored turn as the socket would have delivered it to a debugging socket. */
export function turnFrame(sessionId: string, t: StoredTurn): TurnCompletedFrame {
  const frame: TurnCompletedFrame = { type: "turn.completed", sessionId, seq: t.seq, executionStatus: t.executionStatus, position: t.position, changedVariables: t.changedVariables };
  if (t.error) frame.error = { code: t.error.code, message: t.error.detail ?? t.error.title ?? "", retryable: t.error.recovery?.canRetry ?? false };
  if (t.debug) frame.debug = t.debug;
  return frame;
}

/** GET /api/sessions/{id}/export: the whole session in one snapshot; the turns' debug records only for the script's authors. */
interface SessionExport {
  includesDebug: boolean;
  session: { lastSeq: number };
  transcript: StoredMessage[];
  turns: StoredTurn[];
}

/**
 * A session's history over HTTP, in seq order, as frames, and the last seq it reaches: the API's export, one
 * snapshot in one request. Null when the turns come without their debug records (the API gives them to the
 * script's authors; the socket's replay gives them to the session's own author too) — a one-turn read finds that
 * out before the whole session is read for nothing.
 */
export async function readHistory(auth: Auth, sessionId: string): Promise<{ frames: (MessageFrame | TurnCompletedFrame)[]; lastSeq: number } | null> {
  const base = `/api/sessions/${encodeURIComponent(sessionId)}`;
  // Both at once: the export is called off as soon as the one-turn read says it would come without debug records.
  const reading = new AbortController();
  const whole = auth.api<SessionExport>(`${base}/export`, { signal: reading.signal });
  whole.catch(() => undefined);
  let debugged: boolean;
  try {
    const probe = await auth.api<{ items: StoredTurn[] }>(`${base}/turns?pageSize=1`);
    debugged = !probe.items.some((t) => t.debug === null);
  } catch (error) {
    reading.abort();
    throw error;
  }
  if (!debugged) {
    reading.abort();
    return null;
  }
  const exported = await whole;
  if (!exported.includesDebug) return null;
  const frames = [...exported.transcript.map((m) => messageFrame(sessionId, m)), ...exported.turns.map((t) => turnFrame(sessionId, t))];
  return { frames: frames.sort((a, b) => a.seq - b.seq), lastSeq: exported.session.lastSeq };
}
