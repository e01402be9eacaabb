import type { TurnPosition } from "@heartrule/client";
import { el } from "../shared/dom";
import { formatNumber, showTime, t } from "../shared/i18n";
import { anyVariables, changesTable, llmCallDetails, variablesTable } from "../shared/turnView";
import type { TimelineEntry } from "./model";
import { locate, type OutlinePhase } from "./outline";

/** A turn's row in the timeline: its number and seq, where the script was, what it holds. */
export function timelineRow(entry: TimelineEntry, index: number, count: number): HTMLElement {
  const turn = entry.turn;
  const p = turn?.position;
  const where = p ? [p.phaseId, p.topicId, p.actionId].filter(Boolean).join(" › ") : t("page.debugger.running");
  const said = entry.messages.find((m) => m.role === "user") ?? entry.messages[0];
  const facts = [
    t("page.debugger.messages", { count: formatNumber(entry.messages.length) }),
    t("page.debugger.calls", { count: formatNumber(turn?.debug?.llmCalls.length ?? 0) }),
  ];
  if (turn?.changedVariables.length) facts.push(t("page.debugger.changes", { count: formatNumber(turn.changedVariables.length) }));
  const row = el(
    "div",
    { className: `row-item ${turn?.executionStatus ?? "running"}`, id: `turn-${entry.number}`, dataset: { turn: String(entry.number), seq: String(turn?.seq ?? "") } },
    el("span", { className: "line" }, el("b", {}, `#${entry.number}`), " ", where, " ", el("span", { className: "facts" }, facts.join(" · "))),
    el("span", { className: "line said" }, said ? said.content || t("page.emptyInput") : "—"),
  );
  row.setAttribute("role", "option");
  row.setAttribute("aria-posinset", String(index + 1));
  row.setAttribute("aria-setsize", String(count));
  return row;
}

/** The script's tree, phase › topic › action, with the turn's position marked and its round said. */
function tree(outline: readonly OutlinePhase[], position: TurnPosition): HTMLElement {
  const at = locate(outline, position);
  const round = t("page.debugger.round", { round: formatNumber(position.currentRound), max: formatNumber(position.maxRounds) });
  const mark = (node: HTMLElement, here: boolean, label: string) => {
    if (!here) return node;
    node.classList.add("here");
    node.setAttribute("aria-current", "step");
    node.append(" ", el("span", { className: "pill" }, label));
    return node;
  };
  const phases = el("ol", { className: "tree" });
  outline.forEach((phase, pi) => {
    const topics = el("ol");
    phase.topics.forEach((topic, ti) => {
      const actions = el("ol");
      topic.actions.forEach((action, ai) => {
        const here = at.phase === pi && at.topic === ti && at.action === ai;
        actions.append(mark(el("li", { className: "action" }, el("code", {}, action.id), ` ${action.type}`), here, round));
      });
      const here = at.phase === pi && at.topic === ti;
      topics.append(el("li", { className: here ? "open" : "" }, el("span", { className: "node" }, el("code", {}, topic.id), topic.name ? ` ${topic.name}` : ""), actions));
    });
    phases.append(el("li", { className: at.phase === pi ? "open" : "" }, el("span", { className: "node" }, el("code", {}, phase.id), phase.name ? ` ${phase.name}` : ""), topics));
  });
  const path = [position.phaseId, position.topicId, position.actionId].filter(Boolean).join(" › ");
  const found = at.action !== null;
  return el(
    "div",
    { className: "position" },
    el("p", { className: "path" }, el("strong", {}, path || "—"), ` (${position.actionType ?? ""}, ${round})`, found ? "" : ` — ${t("page.debugger.notInOutline")}`),
    phases,
  );
}

/** Everything about one turn: its messages, where the script was, what changed, every variable, every LLM call. */
export function turnDetail(entry: TimelineEntry, outline: readonly OutlinePhase[]): HTMLElement[] {
  const turn = entry.turn;
  const section = (key: string, ...content: (Node | string)[]) => el("section", { className: "part" }, el("h3", {}, t(key)), ...content);
  const messages = el(
    "ol",
    { className: "messages" },
    ...entry.messages.map((m) => {
      const time = el("time");
      showTime(time, m.timestamp);
      return el("li", { className: m.role, dataset: { seq: String(m.seq) } }, el("span", { className: "who" }, `#${m.seq} ${m.role}`), " ", time, el("span", { className: "text" }, m.content || t("page.emptyInput")));
    }),
  );
  const parts = [section("page.debugger.messagesHeading", messages)];
  if (!turn) return [...parts, el("p", {}, t("page.debugger.running"))];
  parts.push(section("page.debugger.position", tree(outline, turn.position)));
  parts.push(section("page.debugger.changesHeading", turn.changedVariables.length ? changesTable(turn.changedVariables) : el("p", {}, t("page.debugger.none"))));
  const variables = turn.debug?.variables;
  parts.push(
    section(
      "page.debugger.variables",
      !variables ? el("p", {}, t("page.debugger.noDebug")) : anyVariables(variables) ? variablesTable(variables, turn.changedVariables) : el("p", {}, t("page.debugger.none")),
    ),
  );
  const calls = turn.debug?.llmCalls ?? [];
  parts.push(section("page.debugger.llmCalls", ...(calls.length ? calls.map(llmCallDetails) : [el("p", {}, t("page.debugger.none"))])));
  if (turn.error) parts.push(section("page.debugger.error", el("p", { className: "error" }, `${turn.error.code}: ${turn.error.message}`)));
  return parts;
}
