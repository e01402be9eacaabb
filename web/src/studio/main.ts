// The script studio, for authors and admins: pick a script (or start a new one), see its drafts and versions and which
// is current, edit its YAML while the API validates it (POST /api/scripts/validate) and the editor marks each finding
// at its line, save drafts, publish (a draft with warnings only when the author says so), roll back, compare any two
// versions, and Run a version: the debugger, beside the editor, starts it with debug and follows it. A script the
// author may not change (the list says so: mayChange) opens read-only. Everything goes over the HTTP API (docs/api.md,
// "Drafts, publishing and rollback"); the debugger has its own socket.
import "../shared/base.css";
import "./studio.css";
import { isAuthor, PageProblem, type Finding, type Identity } from "../shared/auth";
import { byId, el } from "../shared/dom";
import { onLanguageChange, shortTime, t } from "../shared/i18n";
import { Shell } from "../shared/shell";
import { StudioApi, type Saved, type ScriptSummary, type VersionSummary } from "./api";
import { ScriptEditor } from "./editor";
import type { Findings } from "./findings";
import { diffView, findingRows, findingsSummary, scriptLabel, versionRow, versionState } from "./views";

/**
 * What the editor shows: a script (`id` null: a new one, not saved yet), the version it came from, that version's
 * text, and whether the author may change the script (else it is read-only).
 */
interface Opened {
  id: string | null;
  name: string | null;
  version: number | null;
  versions: VersionSummary[];
  saved: string;
  mayChange: boolean;
}

/** The text an author had not saved, kept in this browser until it is saved or discarded: one per user. */
interface Unsaved {
  script: string | null;
  text: string;
  at: string;
}

const newScript = `session:
  session_id: my_script
  session_name: My script
  phases:
    - phase_id: opening
      topics:
        - topic_id: welcome
          actions:
            - action_type: ai_say
              action_id: hello
              config:
                content: Welcome the client warmly.
                require_acknowledgment: false
`;

const shell = new Shell(signedIn);
const api = new StudioApi(shell.auth);
const editor = new ScriptEditor(byId("editor"), { labelledBy: "editorHeading", validate, checked, changed });

let scripts: ScriptSummary[] = [];
let opened: Opened | null = null;
/** What validation found in the editor's text; null while it is not known. */
let findings: Findings | null = null;
/** The last validation failed (the server, the sign-in): its problem is the one shown. */
let validationFailed = false;
/** A request the page waits for (save, publish, …): the buttons wait with it. */
let busy = false;
/** The version the warnings gate would publish anyway. */
let gated: number | null = null;

const dirty = (): boolean => !!opened && editor.text !== opened.saved;

async function signedIn(identity: Identity): Promise<void> {
  const allowed = isAuthor(identity);
  byId("pickForm").hidden = !allowed;
  byId("studio").hidden = !allowed || !opened;
  // The API refuses a client every change anyway; the page says so at once rather than after their first edit.
  if (!allowed) throw new PageProblem("forbidden", "FORBIDDEN", t("page.studio.forAuthors"));
  await loadScripts();
  const wanted = new URLSearchParams(location.search);
  if (!opened && wanted.get("script")) await openScript(wanted.get("script")!, Number(wanted.get("version")) || null);
}

/** Runs what a person asked for, saying what went wrong; the buttons wait meanwhile. Nothing typed is touched. */
async function act(action: () => Promise<void>): Promise<void> {
  if (busy) return;
  busy = true;
  showButtons();
  if (!validationFailed) shell.problem(null);
  try {
    await action();
  } catch (error) {
    if (!(error instanceof PageProblem)) throw error;
    shell.problem(error);
  } finally {
    busy = false;
    showButtons();
  }
}

async function loadScripts(): Promise<void> {
  scripts = await api.scripts();
  showScripts();
}

function showScripts(): void {
  const group = (key: string, list: ScriptSummary[]) =>
    list.length ? [el("optgroup", { label: t(key) }, ...list.map((s) => new Option(scriptLabel(s), s.id)))] : [];
  const select = byId<HTMLSelectElement>("scripts");
  select.replaceChildren(
    new Option("—", ""),
    ...group("page.studio.mine", scripts.filter((s) => s.mayChange)),
    ...group("page.studio.others", scripts.filter((s) => !s.mayChange)),
  );
  select.value = opened?.id ?? "";
}

/** Opens a version of a script (its latest when none is named); the text left unsaved in this browser comes back. */
async function openScript(id: string, version: number | null): Promise<void> {
  const versions = await api.versions(id);
  const wanted = version ?? versions[0]?.version;
  if (wanted === undefined) return;
  const loaded = await api.version(id, wanted);
  // A script made since the list was read (in another tab) is not in it yet.
  if (!scripts.some((s) => s.id === id)) await loadScripts();
  const mayChange = scripts.find((s) => s.id === id)?.mayChange ?? false;
  show({ id, name: loaded.name, version: loaded.version, versions, saved: loaded.yaml, mayChange }, loaded.yaml);
}

function show(next: Opened, text: string): void {
  opened = next;
  findings = null;
  gated = null;
  byId("warningsGate").hidden = true;
  byId("diffPanel").hidden = true;
  byId("saveState").textContent = "";
  const unsaved = readUnsaved();
  const restore = next.mayChange && unsaved && unsaved.script === next.id && unsaved.text !== text ? unsaved : null;
  editor.load(restore?.text ?? text, !next.mayChange);
  byId("readOnly").hidden = next.mayChange;
  byId<HTMLInputElement>("notes").disabled = !next.mayChange;
  if (restore) byId("saveState").textContent = t("page.studio.restored", { time: shortTime(restore.at) });
  byId("studio").hidden = false;
  history.replaceState(null, "", next.id ? `?script=${encodeURIComponent(next.id)}${next.version ? `&version=${next.version}` : ""}` : location.pathname);
  showScripts();
  showOpened();
}

function showOpened(): void {
  if (!opened) return;
  const shown = opened.versions.find((v) => v.version === opened!.version);
  byId("editorHeading").textContent = opened.id
    ? t("page.studio.editing", { name: opened.name ?? opened.id, version: opened.version ?? "?", state: shown ? versionState(shown) : "" })
    : t("page.studio.newHeading");
  byId("versions").replaceChildren(...opened.versions.map((v) => versionRow(v, v.version === opened!.version, opened!.mayChange)));
  byId("versionsPanel").hidden = !opened.id;
  const options = () => opened!.versions.map((v) => new Option(`${t("page.studio.versionLabel", { version: v.version })} · ${versionState(v)}`, String(v.version)));
  const from = byId<HTMLSelectElement>("diffFrom");
  const to = byId<HTMLSelectElement>("diffTo");
  from.replaceChildren(...options());
  to.replaceChildren(...options());
  // By default: what the version shown changes from the current one (or from the one before it).
  const current = opened.versions.find((v) => v.current && v.version !== opened!.version) ?? opened.versions.find((v) => v.version < (opened!.version ?? 0));
  if (current) from.value = String(current.version);
  if (opened.version) to.value = String(opened.version);
  showFindings();
}

/** Reads the script's versions again (after a save, a publish, a rollback): which is current may have changed. */
async function refreshVersions(): Promise<void> {
  if (!opened?.id) return;
  const id = opened.id;
  const versions = await api.versions(id);
  if (opened?.id !== id) return;
  opened = { ...opened, versions };
  showOpened();
}

async function validate(text: string, signal: AbortSignal): Promise<Findings | null> {
  keepUnsaved();
  if (!text.trim()) return { errors: [], warnings: [] };
  try {
    const found = await api.validate(text, signal);
    if (validationFailed) shell.problem(null);
    validationFailed = false;
    return found;
  } catch (error) {
    if (signal.aborted) return null;
    if (!(error instanceof PageProblem)) throw error;
    validationFailed = true;
    shell.problem(error);
    return null;
  }
}

function checked(found: Findings | null): void {
  findings = found;
  showFindings();
}

function changed(): void {
  const status = byId("validation");
  status.dataset.state = "checking";
  status.textContent = t("page.studio.checking");
  // The gate was for the version saved before these changes.
  byId("warningsGate").hidden = true;
  gated = null;
  showButtons();
}

function showFindings(): void {
  const status = byId("validation");
  status.dataset.state = findings ? (findings.errors.length ? "invalid" : "valid") : validationFailed ? "failed" : "checking";
  status.textContent = findings ? findingsSummary(findings, !!opened?.mayChange) : t(validationFailed ? "page.studio.uncheckable" : "page.studio.checking");
  byId("findings").replaceChildren(...(findings ? findingRows(findings, { reveal: (f) => editor.reveal(f), fix: opened?.mayChange ? fix : undefined }) : []));
  showButtons();
}

function fix(finding: Finding): void {
  if (editor.fix(finding)) editor.focus();
}

function showButtons(): void {
  const errors = !!findings?.errors.length;
  const shown = opened?.versions.find((v) => v.version === opened!.version);
  const mayChange = !!opened?.mayChange;
  byId<HTMLButtonElement>("save").disabled = busy || !mayChange || (!!opened?.id && !dirty());
  // Refused while the text has errors (the API refuses it anyway); a published version has nothing to publish.
  byId<HTMLButtonElement>("publish").disabled = busy || !mayChange || errors || (!dirty() && !!shown?.published);
  // Others start only the published versions of a script that is not theirs.
  byId<HTMLButtonElement>("run").disabled = busy || !opened || errors || (!mayChange && !shown?.published);
  byId<HTMLButtonElement>("compare").disabled = busy || (opened?.versions.length ?? 0) < 2;
}

/** Saves the editor's text as a new version (a new script, or a draft of this one), errors and all. */
async function save(): Promise<Saved> {
  const { id } = opened!;
  const text = editor.text;
  const notes = byId<HTMLInputElement>("notes");
  const saved = await api.save(id, text, notes.value.trim());
  notes.value = "";
  forgetUnsaved();
  opened = { ...opened!, id: saved.id, name: saved.name ?? opened!.name, version: saved.version, saved: text };
  if (!id) {
    history.replaceState(null, "", `?script=${encodeURIComponent(saved.id)}&version=${saved.version}`);
    await loadScripts();
  }
  await refreshVersions();
  byId("saveState").textContent = saved.errors.length
    ? t("page.studio.savedWithErrors", { version: saved.version, count: saved.errors.length })
    : t("page.studio.saved", { version: saved.version });
  return saved;
}

/** The version to publish or run: the one shown, saved first when the text changed; null when it has errors. */
async function savedVersion(): Promise<number | null> {
  if (!opened) return null;
  if (opened.id && !dirty()) return opened.version;
  const saved = await save();
  return saved.errors.length ? null : saved.version;
}

async function publish(acceptWarnings: boolean): Promise<void> {
  const version = acceptWarnings ? gated : await savedVersion();
  if (!opened?.id || version === null) return;
  try {
    await api.publish(opened.id, version, acceptWarnings);
  } catch (error) {
    if (!(error instanceof PageProblem) || error.code !== "SCRIPT_HAS_WARNINGS") throw error;
    gated = version;
    byId("gateWarnings").replaceChildren(...findingRows({ errors: [], warnings: error.warnings }, { reveal: (f) => editor.reveal(f), fix }));
    byId("warningsGate").hidden = false;
    byId("publishAnyway").focus();
    return;
  }
  gated = null;
  byId("warningsGate").hidden = true;
  await refreshVersions();
  byId("saveState").textContent = t("page.studio.published", { version });
}

/** Runs a version in the debugger beside the editor: it starts the version with debug, as the author's own session. */
async function run(): Promise<void> {
  const version = await savedVersion();
  if (!opened?.id || version === null) return;
  const frame = byId<HTMLIFrameElement>("debuggerFrame");
  frame.src = `/debugger.html?script=${encodeURIComponent(opened.id)}&version=${version}`;
  byId<HTMLAnchorElement>("runTab").href = frame.src;
  byId("runPanel").hidden = false;
  byId("studio").classList.add("running");
  byId("saveState").textContent = t("page.studio.running", { version });
}

async function rollback(version: number): Promise<void> {
  if (!opened?.id) return;
  await api.rollback(opened.id, version);
  await refreshVersions();
  byId("saveState").textContent = t("page.studio.rolledBack", { version });
}

async function compare(): Promise<void> {
  if (!opened?.id) return;
  const from = Number(byId<HTMLSelectElement>("diffFrom").value);
  const to = Number(byId<HTMLSelectElement>("diffTo").value);
  const diff = await api.diff(opened.id, from, to);
  byId("diffHeading").textContent = t("page.studio.diffHeading", { from, to, added: diff.added, removed: diff.removed });
  byId("diff").replaceChildren(...diffView(diff));
  byId("diffPanel").hidden = false;
}

/** Whether what is in the editor may be replaced: nothing unsaved, or the author says to discard it. */
function mayDiscard(): boolean {
  if (!dirty()) return true;
  if (!window.confirm(t("page.studio.discard"))) return false;
  forgetUnsaved();
  return true;
}

const unsavedKey = (): string => `heartrule.studio.unsaved.${shell.auth.identity?.userId ?? ""}`;

function readUnsaved(): Unsaved | null {
  try {
    return JSON.parse(localStorage.getItem(unsavedKey()) ?? "null") as Unsaved | null;
  } catch {
    return null;
  }
}

/** Keeps the text in this browser while it is not saved (at each pause in typing): a crash or a closed tab loses nothing. */
function keepUnsaved(): void {
  if (!opened || !dirty()) return;
  try {
    localStorage.setItem(unsavedKey(), JSON.stringify({ script: opened.id, text: editor.text, at: new Date().toISOString() } satisfies Unsaved));
  } catch {
    // Storage full or refused: the page still asks before the text is left.
  }
}

function forgetUnsaved(): void {
  localStorage.removeItem(unsavedKey());
}

byId<HTMLSelectElement>("scripts").addEventListener("change", (e) => {
  const select = e.target as HTMLSelectElement;
  const id = select.value;
  if (!mayDiscard()) {
    select.value = opened?.id ?? "";
    return;
  }
  if (id) void act(() => openScript(id, null));
});
byId("newScript").addEventListener("click", () => {
  if (mayDiscard()) show({ id: null, name: null, version: null, versions: [], saved: newScript, mayChange: true }, newScript);
});
byId("versions").addEventListener("click", (e) => {
  const button = (e.target as HTMLElement).closest("button");
  const version = Number(button?.closest("li")?.dataset.version);
  if (!button || !opened?.id || !version) return;
  const id = opened.id;
  if (button.classList.contains("rollback")) void act(() => rollback(version));
  else if (mayDiscard()) void act(() => openScript(id, version));
});
byId<HTMLFormElement>("saveForm").addEventListener("submit", (e) => {
  e.preventDefault();
  void act(async () => void (await save()));
});
byId("publish").addEventListener("click", () => void act(() => publish(false)));
byId("publishAnyway").addEventListener("click", () => void act(() => publish(true)));
byId("keepDraft").addEventListener("click", () => {
  gated = null;
  byId("warningsGate").hidden = true;
  byId("publish").focus();
});
byId("run").addEventListener("click", () => void act(run));
byId("closeRun").addEventListener("click", () => {
  byId("runPanel").hidden = true;
  byId("studio").classList.remove("running");
  byId<HTMLIFrameElement>("debuggerFrame").src = "about:blank";
  byId("run").focus();
});
// The session the debugger follows (it moved to it once started), in a tab of its own.
byId("runTab").addEventListener("click", (e) => {
  (e.currentTarget as HTMLAnchorElement).href = byId<HTMLIFrameElement>("debuggerFrame").contentWindow?.location.href ?? "/debugger.html";
});
byId<HTMLFormElement>("diffForm").addEventListener("submit", (e) => {
  e.preventDefault();
  void act(compare);
});
window.addEventListener("beforeunload", (e) => {
  if (dirty()) e.preventDefault();
});
onLanguageChange(() => {
  showScripts();
  showOpened();
  // The findings in the language now read.
  if (opened) editor.revalidate();
});
// The studio is for authors: the role the form offers first here.
byId<HTMLSelectElement>("role").value = "author";
void shell.start();
