import { describe, expect, it } from "vitest";
import type { Finding } from "../src/shared/auth";
import { markIn, mostShown, ordered, renameOf } from "../src/studio/findings";

const finding = (over: Partial<Finding>): Finding => ({
  path: "session.phases[0].topics[0].actions[0].config.content_template",
  line: 12,
  column: 17,
  kind: "deprecated",
  message: "'content_template' is no longer supported",
  expected: "content",
  actual: "content_template",
  suggestion: "Rename 'content_template' to 'content'",
  ...over,
});

describe("markIn", () => {
  const line = '                content_template: "Hello"';
  it("marks the key or value the finding names, at its column", () => {
    expect(markIn(line, 17, "content_template")).toEqual([16, 32]);
    expect(markIn("                max_rounds: 11", 29, "11")).toEqual([28, 30]);
  });
  it("marks the word there when the finding names something else (a missing field, in the reader's words)", () => {
    expect(markIn(line, 17, "missing")).toEqual([16, 32]);
    expect(markIn("notes: kept", 1, null)).toEqual([0, 5]);
  });
  it("never marks nothing, and never past the line", () => {
    expect(markIn("  - : x", 5, null)).toEqual([4, 5]);
    expect(markIn("config:", 40, null)).toEqual([6, 7]);
    expect(markIn("", 1, null)).toEqual([0, 0]);
  });
});

describe("renameOf", () => {
  it("offers a deprecated field's replacement when it is a plain rename", () => {
    expect(renameOf(finding({}))).toBe("content");
    expect(renameOf(finding({ actual: "skill_name", expected: "skill" }))).toBe("skill");
  });
  it("offers nothing for other findings, or a replacement that is not a field name", () => {
    expect(renameOf(finding({ expected: null, actual: "target_variable" }))).toBeNull();
    expect(renameOf(finding({ kind: "structure" }))).toBeNull();
    expect(renameOf(finding({ kind: "constraint", expected: "1–10", actual: "11" }))).toBeNull();
    expect(renameOf(finding({ expected: "output: [{get: x}]" }))).toBeNull();
  });
});

describe("ordered", () => {
  it("lists errors before warnings, each in the order of the text, placeless ones last", () => {
    const rows = ordered({
      errors: [finding({ line: 18 }), finding({ line: null, column: null }), finding({ line: 12, column: 3 })],
      warnings: [finding({ line: 1 })],
    });
    expect(rows.map((r) => `${r.severity}:${r.finding.line}`)).toEqual(["error:12", "error:18", "error:null", "warning:1"]);
  });

  it("keeps the first of them only, errors before warnings, however many there are", () => {
    const many = Array.from({ length: mostShown }, (_, i) => finding({ line: i + 1 }));
    const rows = ordered({ errors: many, warnings: [finding({ line: 1 })] });
    expect(rows).toHaveLength(mostShown);
    expect(rows.every((r) => r.severity === "error")).toBe(true);
  });
});
