// The chat page: a person signs in (Development sign-in), picks a script or one of their earlier sessions, and talks.
// Everything on the socket goes through the client SDK (clients/typescript): reconnects, resume from the last seq,
// inputs sent again until acked, each event exactly once — so two tabs on one session show the same conversation.
// A counsellor gets the queue of flagged sessions instead (docs/safety.md).
import "../shared/base.css";
import "./chat.css";
import { HeartRuleError, type HeartRuleClient, type TurnCompletedFrame } from "@heartrule/client";
import { isAuthor, PageProblem, problemFromCode, type Identity } from "../shared/auth";
import { openLink, type Link, type LinkState } from "../shared/connection";
import { byId, el } from "../shared/dom";
import { formatNumber, locale, onLanguageChange, t } from "../shared/i18n";
import { Shell } from "../shared/shell";
import { anyVariables, changesTable, llmCallDetails, turnHeading, variablesTable } from "../shared/turnView";
import { Conversation } from "./conversation";
import type { SessionSummary } from "../shared/sessions";
import { EarlierSessions } from "./earlier";
import { Queue } from "./queue";

interface Script {
  id: string;
  name: string | null;
  latestVersion: number;
  publishedVersion: number | null;
}

const shell = new Shell(signedIn);
const conversation = new Conversation(byId<HTMLOListElement>("messages"), byId("typing"));
const earlier = new EarlierSessions(shell.auth, (s: SessionSummary) => void follow(s.id, byId<HTMLInputElement>("debug").checked), authoring);
const queue = new Queue(shell.auth, (id) => void follow(id, false), (error) => fail(error));

let link: Link | null = null;
let scripts: Script[] = [];
let linkState: LinkState = "closed";
/** The session shown; the page talks in it. */
let sessionId: string | null = null;
/** A start was asked for and not answered yet: its first events may come before the answer. */
let starting = false;
let ended = false;
let waiting = false;
/** Followed with debug: its turns go to the debug panel. */
let debugging = false;
const counsel = { on: false, holding: false };

function authoring(): boolean {
  return isAuthor(shell.auth.identity);
}

function client(): HeartRuleClient {
  if (!link) throw new PageProblem("expired", "UNAUTHORIZED", t("page.problem.expired"));
  return link.client;
}

function fail(error: unknown): void {
  if (error instanceof PageProblem) shell.problem(error);
  else if (error instanceof HeartRuleError) shell.problem(problemFromCode(error.code, error.message));
  else throw error;
}

/** The composer is open when there is a session to talk in, no turn of ours is running, and (for a counsellor) they hold it. */
function showComposer(): void {
  // While reconnecting too: an input made then goes out once the connection is back (the SDK keeps it).
  const usable = linkState !== "expired" && linkState !== "closed";
  const open = !!sessionId && !ended && !waiting && usable && (!counsel.on || counsel.holding);
  const text = byId<HTMLInputElement>("text");
  const opening = open && text.disabled;
  for (const id of ["text", "send", "next"]) byId<HTMLInputElement>(id).disabled = !open;
  if (opening) text.focus();
  byId<HTMLButtonElement>("take").disabled = !sessionId || counsel.holding;
  byId<HTMLButtonElement>("release").disabled = !counsel.holding;
}

function showScripts(): void {
  const select = byId<HTMLSelectElement>("script");
  const chosen = select.value;
  select.replaceChildren(
    ...scripts.map((s) => new Option(t("page.scriptOption", { name: s.name ?? s.id, version: formatNumber(s.publishedVersion ?? s.latestVersion) }), s.id)),
  );
  if (chosen) select.value = chosen;
}

async function signedIn(identity: Identity): Promise<void> {
  await link?.close();
  link = null;
  sessionId = null;
  conversation.clear();
  counsel.on = identity.roles.includes("counsellor");
  counsel.holding = false;
  byId("debuggerLink").hidden = !authoring();
  byId("studioLink").hidden = !authoring();
  byId("queuePanel").hidden = !counsel.on;

  link = openLink(shell.auth, onLink);
  const c = link.client;
  c.on("message", (m) => {
    if (starting && !sessionId) sessionId = m.sessionId;
    if (m.sessionId !== sessionId) return;
    conversation.message(m);
    // An input, from this tab or another device: the turn it starts is running.
    if (m.role === "user") conversation.setTyping(true);
  });
  c.on("draft", (d) => {
    if (d.sessionId !== sessionId) return;
    conversation.draft(d);
    if (!d.discarded) conversation.setTyping(true);
  });
  c.on("turn", onTurn);
  c.on("error", (e) => {
    // A sign-in that could not be renewed is already said, as a problem to act on.
    if (!(e instanceof PageProblem)) conversation.error(`${e.code}: ${e.message}`);
  });
  c.on("safetyAlert", (alert) => queue.add(alert));

  scripts = await shell.auth.api<Script[]>("/api/scripts?kind=session");
  showScripts();
  byId<HTMLSelectElement>("script").disabled = false;
  byId<HTMLButtonElement>("start").disabled = scripts.length === 0;
  await earlier.load();
  if (counsel.on) {
    await queue.load();
    await c.subscribeSafety();
  }
  const wanted = new URLSearchParams(location.search).get("session");
  if (wanted && !counsel.on) await follow(wanted, byId<HTMLInputElement>("debug").checked);
}

function onLink(state: LinkState, code?: number): void {
  shell.link(state, code);
  linkState = state;
  showComposer();
}

function onTurn(turn: TurnCompletedFrame): void {
  if (turn.sessionId !== sessionId) return;
  conversation.setTyping(false);
  waiting = false;
  if (debugging) showTurn(turn);
  // A new session is listed once its first turn is stored: looked for at each turn until it is.
  if (!counsel.on && !earlier.has(turn.sessionId)) void earlier.load().catch(fail);
  else if (turn.executionStatus === "completed") earlier.completed(turn.sessionId);
  if (turn.executionStatus === "completed") {
    ended = true;
    conversation.notice("system", "page.complete");
  } else if (turn.executionStatus === "error") {
    if (turn.error?.message) conversation.error(turn.error.message);
    else conversation.notice("error", "page.turnFailed");
  }
  showComposer();
}

/** The debug panel: one entry per turn, latest first — where the script is, what changed, every variable, every LLM call. */
function showTurn(turn: TurnCompletedFrame): void {
  const item = el("li", {}, el("h3", {}, turnHeading(turn)));
  if (turn.changedVariables.length) item.append(changesTable(turn.changedVariables));
  const variables = turn.debug?.variables ?? {};
  if (anyVariables(variables)) item.append(variablesTable(variables, turn.changedVariables));
  for (const call of turn.debug?.llmCalls ?? []) item.append(llmCallDetails(call));
  if (turn.error) item.append(el("p", {}, `${turn.error.code}: ${turn.error.message}`));
  byId("turns").prepend(item);
}

/** Shows a fresh view of a session: the conversation so far comes as the socket's replay. */
function show(id: string | null, debug: boolean): void {
  if (sessionId && sessionId !== id) link?.client.detach(sessionId);
  sessionId = id;
  ended = false;
  // Until a turn says the script waits for input (the first one, or the last of the replay).
  waiting = true;
  counsel.holding = false;
  debugging = debug;
  byId("debugPanel").hidden = !debug;
  byId("turns").replaceChildren();
  conversation.clear();
  shell.problem(null);
  showComposer();
}

async function start(): Promise<void> {
  const debug = byId<HTMLInputElement>("debug").checked;
  show(null, debug);
  conversation.setTyping(true);
  starting = true;
  try {
    sessionId = await client().start({ scriptId: byId<HTMLSelectElement>("script").value, debug });
    history.replaceState(null, "", `?session=${sessionId}`);
  } catch (error) {
    conversation.setTyping(false);
    waiting = false;
    fail(error);
  } finally {
    starting = false;
    showComposer();
  }
}

/** Continues one of my sessions (or, for a counsellor, watches a flagged one) from its first event. */
async function follow(id: string, debug: boolean): Promise<void> {
  show(id, debug);
  if (!counsel.on) history.replaceState(null, "", `?session=${id}`);
  try {
    await client().attach(id, { lastSeq: 0, debug });
  } catch (error) {
    sessionId = null;
    waiting = false;
    fail(error);
  }
  showComposer();
}

async function submit(text: string): Promise<void> {
  if (!sessionId) return;
  const c = client();
  waiting = true;
  showComposer();
  try {
    // A counsellor holding a session speaks in it as themselves.
    if (counsel.on) {
      if (text) await c.counsellorSay(sessionId, text);
      waiting = false;
    } else {
      conversation.setTyping(true);
      await c.input(sessionId, text);
    }
  } catch (error) {
    waiting = false;
    conversation.setTyping(false);
    if (!(error instanceof HeartRuleError)) throw error;
    conversation.error(`${error.code}: ${error.message}`);
  }
  showComposer();
}

async function counsellor(take: boolean): Promise<void> {
  if (!sessionId) return;
  try {
    await (take ? client().counsellorTake(sessionId) : client().counsellorRelease(sessionId));
    counsel.holding = take;
  } catch (error) {
    fail(error);
  }
  showComposer();
}

byId<HTMLFormElement>("startForm").addEventListener("submit", (e) => {
  e.preventDefault();
  void start();
});
byId<HTMLFormElement>("composer").addEventListener("submit", (e) => {
  e.preventDefault();
  const input = byId<HTMLInputElement>("text");
  const text = input.value;
  input.value = "";
  void submit(text);
});
byId("next").addEventListener("click", () => void submit(""));
byId("take").addEventListener("click", () => void counsellor(true));
byId("release").addEventListener("click", () => void counsellor(false));
onLanguageChange(() => {
  showScripts();
  if (shell.auth.identity) earlier.show();
  queue.show();
  // The socket's error messages follow the page.
  if (linkState === "connected") link?.client.changeLocale(locale()).catch(() => undefined);
});
void shell.start();
