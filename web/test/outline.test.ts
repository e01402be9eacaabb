import type { TurnPosition } from "@heartrule/client";
import { describe, expect, it } from "vitest";
import { locate, outlineFromPositions, outlineOf } from "../src/debugger/outline";

const parsed = {
  session: {
    session_id: "intake",
    phases: [
      {
        phase_id: "intake",
        phase_name: "Intake",
        topics: [
          {
            topic_id: "getting_to_know",
            topic_name: "Getting to know you",
            actions: [
              { action_type: "ai_say", action_id: "welcome" },
              { action_type: "ai_ask", action_id: "ask_name" },
              { action_type: "ai_ask", action_id: "ask_reason" },
            ],
          },
        ],
      },
      { phase_id: "close", topics: [{ topic_id: "goodbye", actions: [{ action_type: "ai_say" }] }] },
    ],
  },
};

const at = (phaseIndex: number, phaseId: string | null, topicIndex: number, topicId: string | null, actionIndex: number, actionId: string | null): TurnPosition => ({
  phaseIndex, phaseId, topicIndex, topicId, actionIndex, actionId, actionType: "ai_ask", currentRound: 1, maxRounds: 3,
});

describe("outline", () => {
  it("reads phases, topics and actions from a script's parsed form, naming what has no id by its place", () => {
    const outline = outlineOf(parsed);
    expect(outline.map((p) => [p.id, p.name, p.topics.map((t) => [t.id, t.actions.map((a) => `${a.id}:${a.type}`)])])).toEqual([
      ["intake", "Intake", [["getting_to_know", ["welcome:ai_say", "ask_name:ai_ask", "ask_reason:ai_ask"]]]],
      ["close", null, [["goodbye", ["#1:ai_say"]]]],
    ]);
    expect(outlineOf(null)).toEqual([]);
    expect(outlineOf({ session: { phases: "not a list" } })).toEqual([]);
  });

  it("finds a position by its ids, by its indices when it has none, and nowhere when its ids are not in the script", () => {
    const outline = outlineOf(parsed);
    expect(locate(outline, at(0, "intake", 0, "getting_to_know", 2, "ask_reason"))).toEqual({ phase: 0, topic: 0, action: 2 });
    // Another version moved the action: its id still finds it.
    expect(locate(outline, at(0, "intake", 0, "getting_to_know", 0, "ask_name"))).toEqual({ phase: 0, topic: 0, action: 1 });
    expect(locate(outline, at(1, "close", 0, "goodbye", 0, null))).toEqual({ phase: 1, topic: 0, action: 0 });
    expect(locate(outline, at(0, "crisis", 0, "protocol", 0, "respond"))).toEqual({ phase: null, topic: null, action: null });
  });

  it("makes an outline of the positions turns reported, when the script cannot be read", () => {
    const outline = outlineFromPositions([at(0, "intake", 0, "getting_to_know", 1, "ask_name"), at(0, "intake", 0, "getting_to_know", 2, "ask_reason"), at(0, "intake", 0, "getting_to_know", 1, "ask_name")]);
    expect(outline.map((p) => [p.id, p.topics.map((t) => [t.id, t.actions.map((a) => a.id)])])).toEqual([["intake", [["getting_to_know", ["ask_name", "ask_reason"]]]]]);
  });
});
