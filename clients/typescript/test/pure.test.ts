import { describe, expect, it } from "vitest";
import { backoffDelay, DeltaAssembler, SequenceTracker, type MessageDeltaFrame } from "../src/index.js";

describe("backoffDelay", () => {
  const options = { initialMs: 100, maxMs: 1_000, factor: 2 };

  it("doubles each attempt up to the cap", () => {
    const top = (attempt: number) => backoffDelay(attempt, options, () => 1);
    expect([0, 1, 2, 3, 4, 5, 10].map(top)).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000]);
  });

  it("keeps half of each step fixed and jitters the other half", () => {
    expect(backoffDelay(2, options, () => 0)).toBe(200);
    expect(backoffDelay(2, options, () => 0.5)).toBe(300);
    const delays = Array.from({ length: 200 }, () => backoffDelay(3, options));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(400);
    expect(Math.max(...delays)).toBeLessThanOrEqual(800);
    expect(new Set(delays).size).toBeGreaterThan(100);
  });
});

describe("SequenceTracker", () => {
  it("accepts each seq once, in order, and nothing of sessions it does not follow", () => {
    const seq = new SequenceTracker();
    seq.track("s", 2);
    expect([1, 2, 3, 3, 4, 2, 5].map((n) => seq.accept("s", n))).toEqual([false, false, true, false, true, false, true]);
    expect(seq.lastSeq("s")).toBe(5);
    expect(seq.accept("other", 1)).toBe(false);
    seq.forget("s");
    expect(seq.accept("s", 6)).toBe(false);
  });
});

describe("DeltaAssembler", () => {
  const delta = (index: number, text: string, messageId = "m1", extra: Partial<MessageDeltaFrame> = {}): MessageDeltaFrame =>
    ({ type: "message.delta", sessionId: "s", messageId, index, text, ...extra });

  it("puts pieces in index order and grows the text only over pieces without a gap", () => {
    const deltas = new DeltaAssembler();
    expect(deltas.add(delta(1, "lo, "))).toBeNull();
    expect(deltas.add(delta(3, "!"))).toBeNull();
    expect(deltas.add(delta(0, "Hel"))?.text).toBe("Hello, ");
    expect(deltas.add(delta(0, "Hel"))).toBeNull();
    expect(deltas.add(delta(2, "world"))?.text).toBe("Hello, world!");
  });

  it("ignores pieces of a message once final", () => {
    const deltas = new DeltaAssembler();
    deltas.add(delta(0, "Hi"));
    deltas.settle("m1");
    expect(deltas.add(delta(1, " there"))).toBeNull();
  });

  it("removes a discarded message that was shown, and ignores its later pieces", () => {
    const deltas = new DeltaAssembler();
    deltas.add(delta(0, "Maybe"));
    expect(deltas.add(delta(1, "", "m1", { discarded: true }))).toEqual({ sessionId: "s", messageId: "m1", text: "", discarded: true });
    expect(deltas.add(delta(2, " not"))).toBeNull();
    // One never shown has nothing to remove.
    deltas.add(delta(1, "unseen", "m2"));
    expect(deltas.add(delta(2, "", "m2", { discarded: true }))).toBeNull();
  });

  it("at the end of a turn, removes the drafts of that session still open", () => {
    const deltas = new DeltaAssembler();
    deltas.add(delta(0, "lost", "m1"));
    deltas.add({ ...delta(0, "elsewhere", "m2"), sessionId: "other" });
    expect(deltas.endTurn("s")).toEqual([{ sessionId: "s", messageId: "m1", text: "", discarded: true }]);
    expect(deltas.add(delta(1, " more", "m1"))).toBeNull();
    expect(deltas.add({ ...delta(1, " still", "m2"), sessionId: "other" })?.text).toBe("elsewhere still");
  });

  it("bounds what it keeps: drafts, finished ids and pieces", () => {
    const deltas = new DeltaAssembler({ drafts: 2, settled: 2, pieces: 3 });
    deltas.add(delta(1, "a", "m1"));
    deltas.add(delta(1, "b", "m2"));
    deltas.add(delta(1, "c", "m3"));
    // m1's piece 1 was forgotten with it: its text starts again from what comes.
    expect(deltas.add(delta(0, "A", "m1"))?.text).toBe("A");
    expect(deltas.add(delta(3, "late", "m2"))).toBeNull();
    for (const id of ["x", "y", "z"]) deltas.settle(id);
    expect(deltas.add(delta(0, "back", "x"))?.text).toBe("back");
    expect(deltas.add(delta(0, "gone", "z"))).toBeNull();
  });
});
