/**
 * The highest `seq` seen of each session: `message` and `turn.completed` are numbered 1, 2, 3 … per session, and
 * an event at or below it is one already delivered (a replay overlapping what arrived before a reconnect).
 */
export class SequenceTracker {
  private readonly last = new Map<string, number>();

  /** Follows a session from `lastSeq` (the last event already delivered; 0 for none). */
  track(sessionId: string, lastSeq = 0): void {
    this.last.set(sessionId, lastSeq);
  }

  forget(sessionId: string): void {
    this.last.delete(sessionId);
  }

  lastSeq(sessionId: string): number | undefined {
    return this.last.get(sessionId);
  }

  sessions(): IterableIterator<[string, number]> {
    return this.last.entries();
  }

  /** True for an event to deliver, which then counts as seen; false for a duplicate or a session not followed. */
  accept(sessionId: string, seq: number): boolean {
    const last = this.last.get(sessionId);
    if (last === undefined || seq <= last) return false;
    this.last.set(sessionId, seq);
    return true;
  }
}
