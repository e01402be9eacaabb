import type { JsonValue, LlmCall, TurnCompletedFrame, VariableChange } from "@heartrule/client";
import { el } from "./dom";
import { formatNumber, t } from "./i18n";

/** A value as the script holds it: strings as they are, anything else as JSON. */
export const showValue = (value: JsonValue | undefined): string => (value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value));

/** A table with a header row of catalogue keys; `mark` picks rows to highlight (class "changed"). */
export function table(headers: string[], rows: string[][], mark: (row: string[]) => boolean = () => false): HTMLTableElement {
  const result = el("table");
  const head = result.createTHead().insertRow();
  for (const header of headers) head.append(el("th", { scope: "col" }, t(header)));
  const body = result.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    if (mark(row)) tr.className = "changed";
    for (const cell of row) tr.append(el("td", {}, cell));
  }
  return result;
}

export function changesTable(changes: readonly VariableChange[]): HTMLTableElement {
  return table(
    ["page.col.changed", "page.col.scope", "page.col.old", "page.col.new", "page.col.by"],
    changes.map((c) => [c.name, c.scope, showValue(c.oldValue ?? undefined), showValue(c.newValue ?? undefined), c.actionId ?? ""]),
  );
}

/** Whether any scope holds a variable. */
export const anyVariables = (variables: Record<string, Record<string, JsonValue>>): boolean =>
  Object.values(variables).some((scope) => Object.keys(scope ?? {}).length > 0);

/** Every variable by scope after the turn; those the turn changed are highlighted. */
export function variablesTable(variables: Record<string, Record<string, JsonValue>>, changed: readonly VariableChange[] = []): HTMLTableElement {
  const changedKeys = new Set(changed.map((c) => `${c.scope}/${c.name}`));
  const rows = Object.entries(variables).flatMap(([scope, values]) => Object.entries(values ?? {}).map(([name, value]) => [scope, name, showValue(value)]));
  return table(["page.col.scope", "page.col.variable", "page.col.value"], rows, ([scope, name]) => changedKeys.has(`${scope}/${name}`));
}

/** One LLM call: what it was for, the model, tokens and latency in its summary; the prompt and response inside. */
export function llmCallDetails(call: LlmCall): HTMLDetailsElement {
  const unrecorded = t("page.notRecorded");
  return el(
    "details",
    { className: "llm" },
    el(
      "summary",
      {},
      t("page.llmCall", {
        purpose: call.purpose,
        action: call.actionId,
        model: call.model,
        promptTokens: formatNumber(call.promptTokens),
        completionTokens: formatNumber(call.completionTokens),
        ms: formatNumber(Math.round(call.latencyMs)),
        finish: call.finishReason ?? "",
        template: call.template ?? "—",
      }),
    ),
    el("h4", {}, t("page.prompt")),
    el("pre", {}, call.prompt ?? unrecorded),
    el("h4", {}, t("page.response")),
    el("pre", {}, call.response ?? unrecorded),
  );
}

/** "#6 waiting_input — intake › getting_to_know › ask_reason (ai_ask, round 1/3)". */
export function turnHeading(turn: TurnCompletedFrame): string {
  const p = turn.position;
  return t("page.turnHeading", {
    seq: turn.seq,
    status: turn.executionStatus,
    phase: p.phaseId ?? "?",
    topic: p.topicId ?? "?",
    action: p.actionId ?? "—",
    type: p.actionType ?? "",
    round: formatNumber(p.currentRound),
    max: formatNumber(p.maxRounds),
  });
}
