import type { MessageDeltaFrame } from "./frames.js";

/** An AI message as far as it has been written: what to show until its final `message` replaces it. */
export interface Draft {
  sessionId: string;
  messageId: string;
  /** The pieces from index 0 up to the first one still missing. */
  text: string;
  /** The engine dropped the message: remove what was shown of it. */
  discarded: boolean;
}

export interface DeltaLimits {
  /** Messages being written at once; past it the oldest draft is forgotten. */
  drafts: number;
  /** Finished message ids remembered, so that a late piece of one is ignored. */
  settled: number;
  /** Pieces of one message; later ones are ignored (the final message still brings the whole text). */
  pieces: number;
}

interface Pending {
  sessionId: string;
  pieces: string[];
  /** How many pieces from index 0 are there without a gap. */
  contiguous: number;
  shown: boolean;
}

/**
 * Puts `message.delta` pieces together. They are not sequenced, so they may come out of order: each is placed by
 * its index, and the text grows only over pieces without a gap. Pieces of a message already final or discarded
 * are ignored.
 */
export class DeltaAssembler {
  private readonly drafts = new Map<string, Pending>();
  private readonly settled = new Set<string>();

  constructor(private readonly limits: DeltaLimits = { drafts: 64, settled: 1024, pieces: 10_000 }) {}

  /** The draft as it now reads, or null when the piece changes nothing to show. */
  add(delta: MessageDeltaFrame): Draft | null {
    if (this.settled.has(delta.messageId)) return null;
    if (delta.discarded) {
      const shown = this.drafts.get(delta.messageId)?.shown ?? false;
      this.settle(delta.messageId);
      return shown ? { sessionId: delta.sessionId, messageId: delta.messageId, text: "", discarded: true } : null;
    }
    if (!Number.isInteger(delta.index) || delta.index < 0 || delta.index >= this.limits.pieces) return null;
    let draft = this.drafts.get(delta.messageId);
    if (!draft) {
      draft = { sessionId: delta.sessionId, pieces: [], contiguous: 0, shown: false };
      this.drafts.set(delta.messageId, draft);
      evictOldest(this.drafts, this.limits.drafts);
    }
    if (draft.pieces[delta.index] !== undefined) return null;
    draft.pieces[delta.index] = delta.text;
    const before = draft.contiguous;
    while (draft.pieces[draft.contiguous] !== undefined) draft.contiguous++;
    if (draft.contiguous === before) return null;
    draft.shown = true;
    return { sessionId: draft.sessionId, messageId: delta.messageId, text: draft.pieces.slice(0, draft.contiguous).join(""), discarded: false };
  }

  /** The message is final (or discarded): forget its pieces and ignore any that come later. */
  settle(messageId: string): void {
    this.drafts.delete(messageId);
    this.settled.add(messageId);
    evictOldest(this.settled, this.limits.settled);
  }

  /**
   * The session's turn is over, and every message of a turn comes before its end: a draft still open lost its final
   * piece or its `discarded` (they are not replayed after a reconnect). Returns those that were shown, to remove.
   */
  endTurn(sessionId: string): Draft[] {
    const stale: Draft[] = [];
    for (const [messageId, draft] of this.drafts) {
      if (draft.sessionId !== sessionId) continue;
      if (draft.shown) stale.push({ sessionId, messageId, text: "", discarded: true });
      this.settle(messageId);
    }
    return stale;
  }
}

function evictOldest(items: Map<string, unknown> | Set<string>, limit: number): void {
  // Maps and sets iterate in insertion order: the first key is the oldest.
  while (items.size > limit) items.delete(items.keys().next().value as string);
}
