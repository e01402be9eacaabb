import type { MessageFrame, TurnCompletedFrame } from "@heartrule/client";
import { describe, expect, it } from "vitest";
import { noFilter, Timeline } from "../src/debugger/model";

const message = (seq: number, role: MessageFrame["role"], content: string): MessageFrame => ({
  type: "message", sessionId: "s", seq, messageId: `m${seq}`, role, content, timestamp: "2026-11-24T06:00:00Z",
});

const turn = (seq: number, extra: Partial<TurnCompletedFrame> = {}): TurnCompletedFrame => ({
  type: "turn.completed", sessionId: "s", seq, executionStatus: "waiting_input",
  position: { phaseIndex: 0, phaseId: "intake", topicIndex: 0, topicId: "getting_to_know", actionIndex: 1, actionId: "ask_name", actionType: "ai_ask", currentRound: 1, maxRounds: 3 },
  changedVariables: [], ...extra,
});

describe("Timeline", () => {
  it("groups each turn's messages with its turn.completed, and keeps a running turn open", () => {
    const timeline = new Timeline();
    timeline.addMessage(message(1, "assistant", "Welcome"));
    timeline.addMessage(message(2, "assistant", "Your name?"));
    timeline.addTurn(turn(3));
    timeline.addMessage(message(4, "user", "Alex"));
    expect(timeline.entries.map((e) => [e.number, e.messages.map((m) => m.seq), e.turn?.seq ?? null])).toEqual([
      [1, [1, 2], 3],
      [2, [4], null],
    ]);
    expect(timeline.lastSeq).toBe(4);
    timeline.addMessage(message(5, "assistant", "Nice to meet you, Alex."));
    timeline.addTurn(turn(6, { changedVariables: [{ name: "client_name", scope: "topic", newValue: "Alex", actionId: "ask_name" }] }));
    expect(timeline.entries[1]!.messages.map((m) => m.seq)).toEqual([4, 5]);
    expect(timeline.entries[1]!.turn?.seq).toBe(6);
  });

  it("filters by words anywhere in a turn, and by what a turn holds", () => {
    const timeline = new Timeline();
    timeline.addMessage(message(1, "assistant", "Welcome"));
    timeline.addTurn(turn(2, { debug: { llmCalls: [{ actionId: "welcome", purpose: "say", model: "offline", prompt: "Be WARM", response: "Welcome", latencyMs: 3 }], variables: {} } }));
    timeline.addMessage(message(3, "user", "Alex"));
    timeline.addTurn(turn(4, { changedVariables: [{ name: "client_name", scope: "topic", newValue: "Alex" }] }));
    timeline.addMessage(message(5, "user", "?"));
    timeline.addTurn(turn(6, { executionStatus: "error", error: { code: "LLM_TIMEOUT", message: "slow", retryable: true } }));

    const numbers = (filter: Partial<typeof noFilter>) => timeline.filter({ ...noFilter, ...filter }).map((e) => e.number);
    expect(numbers({})).toEqual([1, 2, 3]);
    expect(numbers({ query: "be warm" })).toEqual([1]);
    expect(numbers({ query: "CLIENT_NAME" })).toEqual([2]);
    expect(numbers({ query: "llm_timeout" })).toEqual([3]);
    expect(numbers({ withLlmCalls: true })).toEqual([1]);
    expect(numbers({ withChanges: true })).toEqual([2]);
    expect(numbers({ errorsOnly: true })).toEqual([3]);
    expect(numbers({ query: "nowhere" })).toEqual([]);
  });

  it("finds what a running turn gains after it was searched", () => {
    const timeline = new Timeline();
    timeline.addMessage(message(1, "user", "hello"));
    expect(timeline.filter({ ...noFilter, query: "sleep" })).toEqual([]);
    timeline.addMessage(message(2, "assistant", "Trouble sleeping?"));
    expect(timeline.filter({ ...noFilter, query: "sleep" }).map((e) => e.number)).toEqual([1]);
  });
});
