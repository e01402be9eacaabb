import { describe, expect, it } from "vitest";
import { visibleRange } from "../src/debugger/virtualList";
import { format } from "../src/shared/i18n";

describe("visibleRange", () => {
  it("draws the rows in view and a few around them, never past either end", () => {
    expect(visibleRange(0, 560, 56, 2000, 8)).toEqual({ start: 0, end: 18 });
    expect(visibleRange(56 * 1000, 560, 56, 2000, 8)).toEqual({ start: 992, end: 1018 });
    expect(visibleRange(56 * 1995, 560, 56, 2000, 8)).toEqual({ start: 1987, end: 2000 });
    expect(visibleRange(-40, 560, 56, 5, 8)).toEqual({ start: 0, end: 5 });
    expect(visibleRange(0, 560, 56, 0, 8)).toEqual({ start: 0, end: 0 });
  });
});

describe("format", () => {
  it("fills arguments, keeps unknown ones and reads doubled braces as braces", () => {
    expect(format("#{seq} {status} — {phase}", { seq: 6, status: "waiting_input", phase: "intake" })).toBe("#6 waiting_input — intake");
    expect(format("{missing} and {{literal}}", {})).toBe("{missing} and {literal}");
    expect(format("{round}/{max}", { round: "1", max: null })).toBe("1/");
  });
});
