// The debugger, for authors: attach to a live or finished session with debug and go through it turn by turn — its
// messages, where the script was (phase › topic › action, round i of N), the variables by scope with the turn's
// changes highlighted, every LLM call. GET /api/sessions/{id} says which script and version it runs (GET
// /api/scripts/{id}?version= gives that script's tree) and how far it goes; its history comes over HTTP (the API's
// export) when the API gives the turns' debug records (to the script's authors), else as the socket's replay
// (session.attach from seq 0 with debug), and live turns over the socket as they happen. The studio's Run opens it
// with ?script=&version=: it starts that version (a draft too) with debug, as the author's own session, and follows it.
import "../shared/base.css";
import "./debugger.css";
import { HeartRuleError } from "@heartrule/client";
import { isAuthor, PageProblem, problemFromCode, type Identity } from "../shared/auth";
import { openLink, type Link } from "../shared/connection";
import { byId, el } from "../shared/dom";
import { formatNumber, onLanguageChange, shortTime, t } from "../shared/i18n";
import type { SessionSummary } from "../shared/sessions";
import { Shell } from "../shared/shell";
import { timelineRow, turnDetail } from "./detail";
import { readHistory } from "./history";
import { noFilter, Timeline, type TimelineEntry, type TimelineFilter } from "./model";
import { outlineFromPositions, outlineOf, type OutlinePhase } from "./outline";
import { VirtualList } from "./virtualList";

/** GET /api/sessions/{id}: what the debugger needs of it, the fields it shares with the list's rows. */
type SessionDetail = Pick<SessionSummary, "id" | "userId" | "scriptId" | "scriptVersion" | "scriptName" | "status" | "lastSeq">;

/** A timeline row's height in CSS pixels: fixed, so that the list draws only the rows in view. */
const rowHeight = 56;
const openMark = "heartrule:debugger-open";

const shell = new Shell(signedIn);
const list = new VirtualList<TimelineEntry>(byId("timeline"), rowHeight, timelineRow, (entry, index) => {
  selected = entry;
  following = index === shown.length - 1;
  showDetail();
});

let link: Link | null = null;
let sessionId: string | null = null;
let session: SessionDetail | null = null;
/** Where reading the session's record stands: being read, to read again at the next turn (not stored yet), or done. */
let record: "reading" | "later" | "done" = "done";
let timeline = new Timeline();
let shown: readonly TimelineEntry[] = [];
let selected: TimelineEntry | null = null;
/** The latest turn stays selected as turns come, until the reader picks another. */
let following = true;
let filter: TimelineFilter = noFilter;
/** The script's tree; until it is read (or when it cannot be), the one the turns' positions make. */
let outline: OutlinePhase[] | null = null;
let opened = false;
let lastEventAt = 0;
let frame = 0;
let timer = 0;
/** What the detail pane shows, to draw it again only when that changed. */
let drawn: { entry: TimelineEntry | null; messages: number; done: boolean } = { entry: null, messages: 0, done: false };

async function signedIn(identity: Identity): Promise<void> {
  await link?.close();
  link = openLink(shell.auth, (state, code) => shell.link(state, code));
  link.client.on("message", (m) => {
    if (m.sessionId !== sessionId) return;
    lastEventAt = performance.now();
    timeline.addMessage(m);
    schedule();
  });
  link.client.on("turn", (turn) => {
    if (turn.sessionId !== sessionId) return;
    lastEventAt = performance.now();
    timeline.addTurn(turn);
    if (record === "later") void readRecord(turn.sessionId);
    // The session's state as it is now, not as it was read.
    if (session && turn.executionStatus === "completed" && session.status === "active" && !replaying()) {
      session = { ...session, status: "completed" };
      showSession(session);
    }
    schedule();
  });
  link.client.on("error", (e) => shell.problem(e instanceof PageProblem ? e : problemFromCode(e.code, e.message)));
  byId<HTMLButtonElement>("open").disabled = false;
  byId("studioLink").hidden = !isAuthor(identity);
  void loadMine(identity);
  const wanted = new URLSearchParams(location.search);
  const version = Number(wanted.get("version"));
  if (wanted.get("session")) await open(wanted.get("session")!);
  // The studio's Run: a version of a script (a draft, too) to start and follow.
  else if (wanted.get("script") && Number.isInteger(version) && version > 0) await startDebugging(wanted.get("script")!, version, null);
}

/** My own sessions and, for an author, everyone's on the scripts I author: to pick one by name rather than by id. */
async function loadMine(identity: Identity): Promise<void> {
  const select = byId<HTMLSelectElement>("mySessions");
  const group = async (key: string, scope: string) => {
    const page = await shell.auth.api<{ items: SessionSummary[] }>(`/api/sessions?scope=${scope}&pageSize=100`);
    const options = page.items.map((s) => {
      const args = { script: s.scriptName ?? s.scriptId, version: s.scriptVersion, status: t(`page.sessionStatus.${s.status}`), time: shortTime(s.updatedAt), user: s.userId };
      return new Option(t(scope === "mine" ? "page.debugger.mineItem" : "page.debugger.theirsItem", args), s.id);
    });
    return options.length ? [el("optgroup", { label: t(key) }, ...options)] : [];
  };
  try {
    // Everyone's sessions on my scripts: authors and admins only (the API refuses anyone else).
    const groups = [...(await group("page.debugger.mine", "mine")), ...(isAuthor(identity) ? await group("page.debugger.theirs", "myScripts") : [])];
    select.replaceChildren(new Option("—", ""), ...groups);
    select.disabled = groups.length === 0;
  } catch (error) {
    if (!(error instanceof PageProblem) || shell.auth.identity !== identity) throw error;
    shell.problem(error);
  }
}

/**
 * Attaches to a session with debug, from its first event; what it had before is dropped. `known`: its record, when
 * the page already knows it (a restart: the same script, version and user), and so its script's tree.
 */
async function open(id: string, known: SessionDetail | null = null): Promise<void> {
  if (!link) return;
  performance.clearMarks(openMark);
  performance.mark(openMark);
  if (sessionId && sessionId !== id) link.client.detach(sessionId);
  sessionId = id;
  session = null;
  timeline = new Timeline();
  selected = null;
  following = true;
  if (!known) outline = null;
  opened = false;
  drawn = { entry: null, messages: 0, done: false };
  shell.problem(null);
  byId<HTMLInputElement>("sessionId").value = id;
  byId("sessionHeading").textContent = t("page.debugger.sessionHeading", { id });
  byId("sessionState").textContent = "";
  byId<HTMLButtonElement>("restart").disabled = true;
  byId("talk").hidden = true;
  byId("live").hidden = true;
  history.replaceState(null, "", `?session=${encodeURIComponent(id)}`);
  render();

  // The history over HTTP when the API gives it whole (the script's authors), then live turns over the socket from
  // where it ends; else all of it as the socket's replay.
  let from = 0;
  if (known) {
    session = known;
    record = "done";
    showSession(known);
    if (!outline) void readOutline(known);
  } else {
    const [found, history] = await Promise.all([readRecord(id), readHistory(shell.auth, id).catch(unreadable)]);
    if (sessionId !== id) return;
    if (found && history) {
      for (const frame of history.frames) {
        if (frame.type === "message") timeline.addMessage(frame);
        else timeline.addTurn(frame);
      }
      lastEventAt = performance.now();
      from = history.lastSeq;
      showWorkspace();
      schedule();
    }
  }
  try {
    await link.client.attach(id, { lastSeq: from, debug: true });
  } catch (error) {
    if (!(error instanceof HeartRuleError)) throw error;
    if (sessionId === id) close(problemFromCode(error.code, error.message));
    return;
  }
  if (sessionId !== id) return;
  showWorkspace();
  byId("live").hidden = false;
}

/** Shows the session once there is something to show: its history, or the socket's word that it may be watched. */
function showWorkspace(): void {
  byId("session").hidden = false;
  byId("workspace").hidden = false;
}

/** A read the page can do without (the socket brings the same): null, and the problem said unless it is a refusal. */
function unreadable(error: unknown): null {
  if (!(error instanceof PageProblem)) throw error;
  if (error.kind !== "notFound" && error.kind !== "forbidden") shell.problem(error);
  return null;
}

/**
 * Reads the session's record, and starts reading its script's tree. A session just started is stored with its first
 * turn: not found yet, it is read again at its next turn.
 */
async function readRecord(id: string): Promise<SessionDetail | null> {
  record = "reading";
  let found: SessionDetail;
  try {
    found = await shell.auth.api<SessionDetail>(`/api/sessions/${encodeURIComponent(id)}`);
  } catch (error) {
    if (sessionId === id) record = error instanceof PageProblem && error.kind === "notFound" ? "later" : "done";
    return unreadable(error);
  }
  if (sessionId !== id) return null;
  record = "done";
  session = found;
  showSession(found);
  schedule();
  void readOutline(found);
  return found;
}

async function readOutline(of: SessionDetail): Promise<void> {
  try {
    const script = await shell.auth.api<{ parsed: unknown; name: string | null }>(`/api/scripts/${encodeURIComponent(of.scriptId)}?version=${of.scriptVersion}`);
    if (sessionId !== of.id) return;
    outline = outlineOf(script.parsed);
    // Started here (Restart, the studio's Run): its name was not known yet.
    if (session && !session.scriptName && script.name) {
      session = { ...session, scriptName: script.name };
      showSession(session);
    }
    drawn = { ...drawn, entry: null };
    schedule();
  } catch (error) {
    if (!(error instanceof PageProblem)) throw error;
    // A deleted script still has its sessions: the turns' own positions make the tree.
  }
}

function close(problem: PageProblem): void {
  sessionId = null;
  byId("session").hidden = true;
  byId("workspace").hidden = true;
  shell.problem(problem);
}

function showSession(s: SessionDetail): void {
  byId("sessionHeading").textContent = t("page.debugger.sessionTitle", { script: s.scriptName ?? s.scriptId, version: s.scriptVersion, user: s.userId });
  byId("sessionState").textContent = t(`page.sessionStatus.${s.status}`);
  byId<HTMLButtonElement>("restart").disabled = false;
  const talk = byId<HTMLAnchorElement>("talk");
  talk.href = `/?session=${encodeURIComponent(s.id)}`;
  talk.hidden = s.userId !== shell.auth.identity?.userId || s.status !== "active";
}

/** The history is still arriving (the session's record says how far it goes). */
const replaying = (): boolean => !!session && timeline.lastSeq < session.lastSeq;

/**
 * Draws what came since the last time. While the history arrives (thousands of events in a replay) the page draws a
 * few times a second and leaves the detail for the end, so that the events are read as fast as they come; after
 * that, once per frame.
 */
function schedule(): void {
  if (frame) return;
  if (replaying()) {
    timer ||= window.setTimeout(draw, 250);
    return;
  }
  clearTimeout(timer);
  timer = 0;
  frame = requestAnimationFrame(draw);
}

function draw(): void {
  frame = 0;
  clearTimeout(timer);
  timer = 0;
  render();
}

/** Draws what came since the last frame: events arrive by the thousand in a replay, the page draws once per frame. */
function render(): void {
  shown = timeline.filter(filter);
  if (following) selected = shown[shown.length - 1] ?? null;
  const index = selected ? shown.indexOf(selected) : -1;
  list.setItems(shown, index);
  if (following && index >= 0 && !replaying()) list.reveal(index);
  byId("count").textContent = t("page.debugger.count", { shown: formatNumber(shown.length), total: formatNumber(timeline.entries.length) });
  if (replaying()) return;
  showDetail();
  if (!opened && session && timeline.lastSeq >= session.lastSeq) {
    opened = true;
    // How long the whole session took to show, from asking for it: the figure docs/benchmarks.md records.
    const took = performance.measure("heartrule:debugger-opened", openMark);
    document.body.dataset.openedMs = String(Math.round(took.duration));
    // Of which the history's arrival (the socket's replay): the rest is the page's own work.
    document.body.dataset.replayMs = String(Math.round(lastEventAt - took.startTime));
  }
}

function showDetail(): void {
  const entry = selected;
  const state = { entry, messages: entry?.messages.length ?? 0, done: !!entry?.turn };
  if (state.entry === drawn.entry && state.messages === drawn.messages && state.done === drawn.done) return;
  drawn = state;
  const heading = byId("detailHeading");
  if (!entry) {
    heading.textContent = t("page.debugger.noTurn");
    byId("detailBody").replaceChildren();
    return;
  }
  heading.textContent = entry.turn
    ? t("page.debugger.turnTitle", { turn: entry.number, seq: entry.turn.seq, status: entry.turn.executionStatus })
    : t("page.debugger.turnRunning", { turn: entry.number });
  const tree = outline ?? outlineFromPositions(timeline.entries.flatMap((e) => (e.turn ? [e.turn.position] : [])));
  byId("detailBody").replaceChildren(...turnDetail(entry, tree));
}

/** Starts the same script and version again, with debug, and follows the new session. */
function restart(): Promise<void> {
  return session ? startDebugging(session.scriptId, session.scriptVersion, session.scriptName) : Promise.resolve();
}

/** Starts a version of a script as the signed-in user's own session, with debug, and follows it from its first turn. */
async function startDebugging(scriptId: string, scriptVersion: number, scriptName: string | null): Promise<void> {
  if (!link) return;
  try {
    const id = await link.client.start({ scriptId, version: scriptVersion, debug: true });
    const identity = shell.auth.identity;
    await open(id, { id, userId: identity?.userId ?? "", scriptId, scriptVersion, scriptName, status: "active", lastSeq: 0 });
    if (identity) void loadMine(identity);
  } catch (error) {
    if (!(error instanceof HeartRuleError)) throw error;
    shell.problem(problemFromCode(error.code, error.message));
  }
}

/** The whole session as the API exports it (GET /api/sessions/{id}/export: the record, transcript, variable history and turns), as a file. */
async function exportSession(): Promise<void> {
  if (!sessionId) return;
  let blob: Blob;
  try {
    blob = await (await shell.auth.request(`/api/sessions/${encodeURIComponent(sessionId)}/export`)).blob();
  } catch (error) {
    if (!(error instanceof PageProblem)) throw error;
    return shell.problem(error);
  }
  const url = URL.createObjectURL(blob);
  el("a", { href: url, download: `session-${sessionId}.json` }).click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

function readFilter(): void {
  filter = {
    query: byId<HTMLInputElement>("search").value,
    withLlmCalls: byId<HTMLInputElement>("withLlm").checked,
    withChanges: byId<HTMLInputElement>("withChanges").checked,
    errorsOnly: byId<HTMLInputElement>("errorsOnly").checked,
  };
  following = false;
  schedule();
}

byId<HTMLFormElement>("openForm").addEventListener("submit", (e) => {
  e.preventDefault();
  const id = byId<HTMLInputElement>("sessionId").value.trim();
  if (id) void open(id);
});
byId<HTMLSelectElement>("mySessions").addEventListener("change", (e) => {
  const id = (e.target as HTMLSelectElement).value;
  if (id) byId<HTMLInputElement>("sessionId").value = id;
});
byId<HTMLFormElement>("filters").addEventListener("submit", (e) => e.preventDefault());
byId("filters").addEventListener("input", readFilter);
byId("restart").addEventListener("click", () => void restart());
byId("export").addEventListener("click", () => void exportSession());
onLanguageChange(() => {
  if (session) showSession(session);
  drawn = { ...drawn, entry: null };
  if (sessionId) list.setItems(shown, selected ? shown.indexOf(selected) : -1);
  showDetail();
});
// Debugging is for authors: the role the form offers first here.
byId<HTMLSelectElement>("role").value = "author";
// Beside the studio's editor (its Run): the session alone, signed in as the studio is.
document.body.classList.toggle("embedded", window.self !== window.top);
void shell.start();
