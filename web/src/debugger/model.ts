import type { MessageFrame, TurnCompletedFrame } from "@heartrule/client";

/**
 * One entry of the timeline: a turn with the messages it produced (the user's input, the AI's replies), in seq
 * order. The last entry may still be running: messages whose turn.completed has not come yet.
 */
export interface TimelineEntry {
  /** The turn's number in the session, from 1. */
  number: number;
  messages: MessageFrame[];
  turn: TurnCompletedFrame | null;
}

export interface TimelineFilter {
  /** Words to find in messages, positions, variables and LLM prompts and responses (case-insensitive). */
  query: string;
  withLlmCalls: boolean;
  withChanges: boolean;
  errorsOnly: boolean;
}

export const noFilter: TimelineFilter = { query: "", withLlmCalls: false, withChanges: false, errorsOnly: false };

/** A session's timeline, grown event by event as the socket delivers them (each once, in seq order). */
export class Timeline {
  readonly entries: TimelineEntry[] = [];
  /** The highest seq seen: the replay is complete once it reaches the session's last seq. */
  lastSeq = 0;
  private readonly haystacks = new WeakMap<TimelineEntry, string>();

  addMessage(message: MessageFrame): void {
    this.lastSeq = Math.max(this.lastSeq, message.seq);
    this.open().messages.push(message);
    this.haystacks.delete(this.entries[this.entries.length - 1]!);
  }

  addTurn(turn: TurnCompletedFrame): void {
    this.lastSeq = Math.max(this.lastSeq, turn.seq);
    const entry = this.open();
    entry.turn = turn;
    this.haystacks.delete(entry);
  }

  /** The entries the filter lets through, in order. */
  filter(filter: TimelineFilter): TimelineEntry[] {
    const query = filter.query.trim().toLowerCase();
    if (!query && !filter.withLlmCalls && !filter.withChanges && !filter.errorsOnly) return this.entries;
    return this.entries.filter(
      (entry) =>
        (!filter.withLlmCalls || (entry.turn?.debug?.llmCalls.length ?? 0) > 0) &&
        (!filter.withChanges || (entry.turn?.changedVariables.length ?? 0) > 0) &&
        (!filter.errorsOnly || entry.turn?.executionStatus === "error") &&
        (!query || this.haystack(entry).includes(query)),
    );
  }

  /** The entry still collecting messages, made when the last one has its turn. */
  private open(): TimelineEntry {
    const last = this.entries[this.entries.length - 1];
    if (last && !last.turn) return last;
    const entry: TimelineEntry = { number: this.entries.length + 1, messages: [], turn: null };
    this.entries.push(entry);
    return entry;
  }

  /** Everything searchable in an entry, lower-cased once (an entry changes only until its turn completes). */
  private haystack(entry: TimelineEntry): string {
    let text = this.haystacks.get(entry);
    if (text === undefined) {
      const turn = entry.turn;
      const parts: unknown[] = entry.messages.map((m) => m.content);
      if (turn) {
        const p = turn.position;
        parts.push(turn.executionStatus, p.phaseId, p.topicId, p.actionId, p.actionType, turn.error?.code, turn.error?.message);
        for (const c of turn.changedVariables) parts.push(c.name, JSON.stringify(c.newValue ?? null));
        for (const call of turn.debug?.llmCalls ?? []) parts.push(call.model, call.purpose, call.prompt, call.response);
        if (turn.debug) parts.push(JSON.stringify(turn.debug.variables));
      }
      text = parts.filter((p) => p != null).join("\n").toLowerCase();
      this.haystacks.set(entry, text);
    }
    return text;
  }
}
