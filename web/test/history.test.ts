import { describe, expect, it } from "vitest";
import { messageFrame, turnFrame } from "../src/debugger/history";

describe("history", () => {
  it("makes a stored message the frame the socket would have sent", () => {
    expect(messageFrame("s", { id: "m1", seq: 4, role: "user", content: "Alex", actionId: null, metadata: null, timestamp: "2026-11-24T06:00:00Z" })).toEqual({
      type: "message", sessionId: "s", seq: 4, messageId: "m1", role: "user", content: "Alex", timestamp: "2026-11-24T06:00:00Z",
    });
    expect(messageFrame("s", { id: "m2", seq: 5, role: "assistant", content: "Hi", actionId: "ask_reason", metadata: { actionType: "ai_ask", round: 1 }, timestamp: "t" }))
      .toMatchObject({ actionId: "ask_reason", metadata: { actionType: "ai_ask", round: 1 } });
  });

  it("makes a stored turn a debug socket's turn.completed, its problem an error frame's error", () => {
    const position = { phaseIndex: 0, phaseId: "p", topicIndex: 0, topicId: "t", actionIndex: 0, actionId: "a", actionType: "ai_ask", currentRound: 1, maxRounds: 3 };
    const debug = { llmCalls: [], variables: { topic: { name: "Alex" } } };
    expect(turnFrame("s", { seq: 6, executionStatus: "waiting_input", position, changedVariables: [], error: null, debug })).toEqual({
      type: "turn.completed", sessionId: "s", seq: 6, executionStatus: "waiting_input", position, changedVariables: [], debug,
    });
    const failed = turnFrame("s", { seq: 9, executionStatus: "error", position, changedVariables: [], debug: null,
      error: { code: "LLM_TIMEOUT", detail: "The model took too long.", recovery: { canRetry: true } } });
    expect(failed.error).toEqual({ code: "LLM_TIMEOUT", message: "The model took too long.", retryable: true });
    expect(failed.debug).toBeUndefined();
  });
});
