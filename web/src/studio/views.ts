// What the studio draws from the API's answers: a script's versions, the findings of a text, a diff.
import type { Finding } from "../shared/auth";
import { el } from "../shared/dom";
import { formatNumber, shortTime, t } from "../shared/i18n";
import type { ScriptDiff, ScriptSummary, VersionSummary } from "./api";
import { ordered, renameOf, type Findings } from "./findings";

/** A version's state in one word: the current one, another published one, or a draft. */
export const versionState = (v: { published: boolean; current: boolean }): string =>
  t(v.current ? "page.studio.state.current" : v.published ? "page.studio.state.published" : "page.studio.state.draft");

export const scriptLabel = (s: ScriptSummary): string => t("page.studio.scriptItem", { name: s.name ?? s.id, id: s.id });

/** One row per version, newest first: open it; a published one that is not current can be made current again (by those who may change the script). */
export function versionRow(v: VersionSummary, shown: boolean, mayChange: boolean): HTMLLIElement {
  const counts = [
    v.errorCount ? t("page.studio.errorCount", { count: formatNumber(v.errorCount) }) : "",
    v.warningCount ? t("page.studio.warningCount", { count: formatNumber(v.warningCount) }) : "",
  ].filter(Boolean);
  const row = el(
    "li",
    { dataset: { version: String(v.version), state: v.current ? "current" : v.published ? "published" : "draft" } },
    el("button", { type: "button", className: "open" }, t("page.studio.versionLabel", { version: v.version })),
    " ",
    el("span", { className: "pill state" }, versionState(v)),
    ...counts.map((c) => el("span", { className: v.errorCount ? "pill bad" : "pill warn" }, c)),
    el("span", { className: "meta" }, t("page.studio.versionMeta", { author: v.author ?? "—", time: shortTime(v.createdAt) }), v.notes ? ` · ${v.notes}` : ""),
  );
  row.querySelector("button")!.setAttribute("aria-label", t("page.studio.openVersion", { version: v.version }));
  if (shown) row.setAttribute("aria-current", "true");
  if (mayChange && v.published && !v.current) {
    const rollback = el("button", { type: "button", className: "rollback" }, t("page.studio.makeCurrent"));
    rollback.setAttribute("aria-label", t("page.studio.makeCurrentLabel", { version: v.version }));
    row.append(rollback);
  }
  return row;
}

/** What a validation found, in words: how many of each, and (to those who may change the script) what that keeps from happening. */
export function findingsSummary(findings: Findings, mayChange: boolean): string {
  const errors = formatNumber(findings.errors.length);
  const warnings = formatNumber(findings.warnings.length);
  if (findings.errors.length) return t(mayChange ? "page.studio.invalid" : "page.studio.invalidReadOnly", { errors, warnings });
  return findings.warnings.length ? t("page.studio.warned", { warnings }) : t("page.studio.valid");
}

/**
 * The findings as a list the keyboard reaches: each at its line and column (a button that puts the cursor there), its
 * message and suggestion, and for a deprecated field its rename as a button (when the text may be changed: with a fix).
 */
export function findingRows(findings: Findings, actions: { reveal: (f: Finding) => void; fix?: (f: Finding) => void }): HTMLLIElement[] {
  const rows = ordered(findings);
  const more = findings.errors.length + findings.warnings.length - rows.length;
  return [...rows.map(({ finding, severity }) => {
    const place =
      finding.line == null
        ? el("span", { className: "where" }, t("page.studio.wholeScript"))
        : el("button", { type: "button", className: "where", onclick: () => actions.reveal(finding) }, t("page.studio.at", { line: finding.line, column: finding.column ?? 1 }));
    const { fix } = actions;
    const rename = renameOf(finding);
    return el(
      "li",
      { className: severity, dataset: { line: String(finding.line ?? ""), kind: finding.kind } },
      place,
      " ",
      el("span", { className: `pill ${severity === "error" ? "bad" : "warn"}` }, t(severity === "error" ? "page.studio.error" : "page.studio.warning")),
      " ",
      el("span", { className: "message" }, finding.message),
      ...(finding.suggestion ? [" ", el("span", { className: "suggestion" }, finding.suggestion)] : []),
      ...(rename && fix ? [" ", el("button", { type: "button", className: "fix", onclick: () => fix(finding) }, t("page.studio.rename", { field: rename }))] : []),
    );
  }), ...(more > 0 ? [el("li", { className: "more" }, t("page.studio.more", { count: formatNumber(more) }))] : [])];
}

/** The API's diff as a unified diff reads: each hunk's lines with their numbers in each version, marked + and − as well as coloured. */
export function diffView(diff: ScriptDiff): HTMLElement[] {
  if (!diff.hunks.length) return [el("p", {}, t("page.studio.same"))];
  return diff.hunks.map((h) =>
    el(
      "table",
      { className: "hunk" },
      el("caption", {}, `@@ −${h.fromStart},${h.fromCount} +${h.toStart},${h.toCount} @@`),
      el(
        "tbody",
        {},
        ...h.lines.map((line) =>
          el(
            "tr",
            { className: line.kind },
            el("td", { className: "num" }, line.fromLine == null ? "" : String(line.fromLine)),
            el("td", { className: "num" }, line.toLine == null ? "" : String(line.toLine)),
            el("td", { className: "sign" }, line.kind === "added" ? "+" : line.kind === "removed" ? "−" : ""),
            el("td", { className: "text" }, el("code", {}, line.text)),
          ),
        ),
      ),
    ),
  );
}
