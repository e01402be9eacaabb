// What validation found in a script (docs/api.md: POST /api/scripts/validate, a draft's errors and warnings), placed
// on the script's text: the engine gives each finding a 1-based line and column; the editor marks the word there.
import type { Finding } from "../shared/auth";

export interface Findings {
  errors: readonly Finding[];
  warnings: readonly Finding[];
}

export const noFindings: Findings = { errors: [], warnings: [] };

/** Where a finding's mark goes within its line: 0-based [start, end) offsets, never empty while the line has text. */
export function markIn(lineText: string, column: number, actual: string | null): [number, number] {
  const start = Math.min(Math.max(column - 1, 0), lineText.length);
  // The engine points at the key or value it means, which the finding names as its actual value.
  if (actual && lineText.startsWith(actual, start)) return [start, start + actual.length];
  const word = /^[^\s:,[\]{}#]+/.exec(lineText.slice(start))?.[0].length ?? 0;
  if (word > 0) return [start, start + word];
  if (start < lineText.length) return [start, start + 1];
  return [Math.max(start - 1, 0), lineText.length];
}

/**
 * The field a finding says to write instead, when its fix is a plain rename (kind `deprecated`: `content_template` →
 * `content`; the engine names the new field as the expected value, the same in every language); null otherwise.
 */
export function renameOf(finding: Finding): string | null {
  const field = /^[a-z_][a-z0-9_]*$/;
  return finding.kind === "deprecated" && finding.actual && finding.expected && field.test(finding.actual) && field.test(finding.expected)
    ? finding.expected
    : null;
}

/**
 * The findings shown at most, marked and listed: a long draft can hold tens of thousands (the API keeps the first 500
 * of each with a stored version), and a page drawing them all would stop answering.
 */
export const mostShown = 500;

/** Errors first, then warnings, each in the order of the text (findings without a place last): the first {@link mostShown}. */
export function ordered(findings: Findings): { finding: Finding; severity: "error" | "warning" }[] {
  const at = (f: Finding) => (f.line ?? Number.MAX_SAFE_INTEGER) * 1e6 + (f.column ?? 0);
  const sorted = (list: readonly Finding[]) => [...list].sort((a, b) => at(a) - at(b));
  return [
    ...sorted(findings.errors).map((finding) => ({ finding, severity: "error" as const })),
    ...sorted(findings.warnings).map((finding) => ({ finding, severity: "warning" as const })),
  ].slice(0, mostShown);
}
