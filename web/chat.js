// The chat page: signs in with the Development token endpoint, then speaks heartrule.v1 (docs/protocol.md).
// Its words come from the gateway (/i18n: the same catalogues as the services' messages), in the browser's language
// unless a person picks another; times and numbers are written the way that language writes them.
const $ = (id) => document.getElementById(id);
const state = { token: null, userId: null, roles: null, socket: null, sessionId: null, lastSeq: 0, pending: new Map(), status: null, requests: 0, scripts: [] };
// A counsellor's page: the queue of flagged sessions, the one watched (state.sessionId), and whether they hold it.
const counsel = { on: false, holding: false, flags: new Map(), commands: new Map() };
const i18n = { locale: "en", languages: [], texts: {} };
let statusText = ["page.signedOut", {}];

// "{name}" takes an argument, "{{" and "}}" are braces: the catalogues' own rule.
function t(key, args = {}) {
  return (i18n.texts[key] ?? key).replace(/\{\{|\}\}|\{([A-Za-z0-9_]+)\}/g, (m, name) =>
    m === "{{" ? "{" : m === "}}" ? "}" : name in args ? String(args[name]) : m);
}
const number = (n) => n == null ? "?" : new Intl.NumberFormat(i18n.locale).format(n);
const shortTime = (iso) => new Intl.DateTimeFormat(i18n.locale, { timeStyle: "short" }).format(new Date(iso));
const fullTime = (iso) => new Intl.DateTimeFormat(i18n.locale, { dateStyle: "medium", timeStyle: "medium" }).format(new Date(iso));

// The texts of a language (the browser's when none is named), then every word on the page in it.
async function loadLanguage(locale) {
  const res = await fetch(locale ? `/i18n/${encodeURIComponent(locale)}` : "/i18n");
  if (!res.ok) return locale ? loadLanguage(null) : undefined;
  Object.assign(i18n, await res.json());
  document.documentElement.lang = i18n.locale;
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of document.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
  for (const el of document.querySelectorAll("time[datetime]")) showTime(el, el.dateTime);
  $("language").replaceChildren(...i18n.languages.map((l) => new Option(l.name, l.locale, false, l.locale === i18n.locale)));
  showScripts();
  setStatus(...statusText);
}

async function chooseLanguage(locale) {
  localStorage.setItem("heartrule.locale", locale);
  await loadLanguage(locale);
  // The socket's error messages follow the page.
  if (state.socket?.readyState === WebSocket.OPEN) send({ type: "locale.change", requestId: nextId(), locale: i18n.locale });
}

function setStatus(key, args = {}) {
  statusText = [key, args];
  $("status").textContent = t(key, args);
}

function showTime(el, iso) {
  el.dateTime = iso;
  el.textContent = shortTime(iso);
  el.title = fullTime(iso);
}

// Deltas may arrive out of order (they are not sequenced): pieces are placed by index, and deltas of a
// message that is already final or discarded are ignored.
const streaming = new Map(); // messageId → { li, parts }
const settled = new Set(); // messageIds that are final or discarded

// One message: its text, and when it was sent. A text the page says itself names its key, so it follows the language.
function addMessage(role, text, { messageId = null, timestamp = null, key = null } = {}) {
  // The final message replaces its streamed draft, in sequence order (after the echo of the user's input).
  if (messageId) settle(messageId);
  const li = document.createElement("li");
  li.className = role;
  const span = Object.assign(document.createElement("span"), { className: "text" });
  if (key) { span.dataset.i18n = key; span.textContent = t(key); } else span.textContent = text;
  li.append(span);
  if (timestamp) { const time = document.createElement("time"); showTime(time, timestamp); li.append(time); }
  $("messages").append(li);
  li.scrollIntoView({ block: "end" });
}

function settle(messageId) {
  settled.add(messageId);
  streaming.get(messageId)?.li.remove();
  streaming.delete(messageId);
}

function setComposer(enabled) {
  for (const id of ["text", "send", "next"]) $(id).disabled = !enabled;
  if (enabled) $("text").focus();
}

function showScripts() {
  const select = $("script");
  const chosen = select.value;
  select.replaceChildren(...state.scripts.map((s) => new Option(t("page.scriptOption", { name: s.name ?? s.id, version: number(s.publishedVersion ?? s.latestVersion) }), s.id)));
  if (chosen) select.value = chosen;
}

async function signIn() {
  state.userId = $("user").value.trim();
  // Development sign-in: the role is picked on the page (debug frames need author or admin).
  state.roles = [$("role").value];
  if (!await fetchToken()) return;
  const userId = state.userId;
  state.scripts = await fetch("/api/scripts?kind=session", { headers: { Authorization: `Bearer ${state.token}` } }).then((r) => r.json());
  showScripts();
  $("script").disabled = false;
  $("start").disabled = state.scripts.length === 0;
  setStatus("page.signedInAs", { user: userId });
  counsel.on = state.roles.includes("counsellor");
  $("queuePanel").classList.toggle("hidden", !counsel.on);
  if (counsel.on) await loadQueue();
  connect();
}

// The counsellor's queue: what is open now (HTTP), then every alert as it comes (safety.subscribe on the socket).
async function loadQueue() {
  const page = await fetch("/api/safety/flags?pageSize=100", { headers: { Authorization: `Bearer ${state.token}` } }).then((r) => r.json());
  for (const flag of page.items) counsel.flags.set(`${flag.sessionId}/${flag.seq}`, flag);
  showQueue();
}

const severity = { imminent: 2, high: 1 };

function showQueue() {
  const flags = [...counsel.flags.values()].sort((a, b) =>
    (severity[b.riskLevel] ?? 0) - (severity[a.riskLevel] ?? 0) || Date.parse(a.flaggedAt) - Date.parse(b.flaggedAt));
  $("queueEmpty").classList.toggle("hidden", flags.length > 0);
  $("queue").replaceChildren(...flags.map((flag) => {
    const li = document.createElement("li");
    li.className = `flag ${flag.riskLevel}`;
    li.dataset.session = flag.sessionId;
    li.append(Object.assign(document.createElement("span"), {
      className: "text",
      textContent: t("page.flag", { level: t(`page.risk.${flag.riskLevel}`), time: shortTime(flag.flaggedAt), reason: flag.reason ?? "" }),
    }));
    const watch = Object.assign(document.createElement("button"), { className: "watch", textContent: t("page.watch") });
    watch.onclick = () => watchSession(flag.sessionId);
    const resolve = Object.assign(document.createElement("button"), { className: "resolve", textContent: t("page.resolve") });
    resolve.onclick = async () => {
      const res = await fetch(`/api/safety/flags/${flag.sessionId}/${flag.seq}/resolve`, { method: "POST", headers: { Authorization: `Bearer ${state.token}` } });
      if (res.ok || res.status === 404) { counsel.flags.delete(`${flag.sessionId}/${flag.seq}`); showQueue(); }
    };
    li.append(watch, resolve);
    return li;
  }));
}

function watchSession(sessionId) {
  state.sessionId = sessionId;
  state.lastSeq = 0;
  counsel.holding = false;
  $("messages").replaceChildren();
  $("turns").replaceChildren();
  showHolding();
  send({ type: "session.attach", requestId: nextId(), sessionId, lastSeq: 0 });
}

function showHolding() {
  $("take").disabled = !state.sessionId || counsel.holding;
  $("release").disabled = !counsel.holding;
  setComposer(counsel.holding);
}

// take and release are answered with an ack for their requestId; the notice every device sees follows in the session.
function counsellorCommand(type, extra = {}) {
  const requestId = nextId();
  counsel.commands.set(requestId, type);
  send({ type, requestId, sessionId: state.sessionId, clientMessageId: crypto.randomUUID(), ...extra });
}

// A token from the Development sign-in, for the signed-in user and roles: at sign-in, and again whenever the
// gateway says the socket's token is about to expire (auth.expiring) or has (close 4001).
async function fetchToken() {
  const res = await fetch("/auth/dev-token", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ userId: state.userId, roles: state.roles }) });
  if (!res.ok) { setStatus("page.signInFailed", { status: res.status }); return false; }
  state.token = (await res.json()).accessToken;
  return true;
}

function connect() {
  const url = new URL("/ws", location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("access_token", state.token);
  url.searchParams.set("locale", i18n.locale);
  const socket = new WebSocket(url, "heartrule.v1");
  state.socket = socket;
  socket.onopen = () => {
    setStatus("page.connected");
    if (counsel.on) send({ type: "safety.subscribe", requestId: nextId() });
    // After a reconnect, pick the conversation up where it stopped.
    if (state.sessionId) send({ type: "session.attach", requestId: nextId(), sessionId: state.sessionId, lastSeq: state.lastSeq, debug: $("debug").checked });
  };
  socket.onmessage = (event) => onFrame(JSON.parse(event.data));
  // The gateway closes sockets that stay silent past its idle timeout.
  const keepAlive = setInterval(() => socket.readyState === WebSocket.OPEN && send({ type: "ping" }), 30000);
  socket.addEventListener("close", () => clearInterval(keepAlive));
  socket.onclose = (event) => {
    setStatus("page.reconnecting", { code: event.code });
    setComposer(false);
    if (event.code === 4001) fetchToken().then((ok) => ok && setTimeout(connect, 200));
    else if (event.code !== 1008 && event.code !== 1009) setTimeout(connect, 1000);
  };
}

const nextId = () => `r${++state.requests}`;
const send = (frame) => state.socket.send(JSON.stringify(frame));

function onFrame(frame) {
  switch (frame.type) {
    case "session.started":
      state.sessionId = frame.sessionId;
      state.lastSeq = 0;
      $("messages").replaceChildren();
      $("turns").replaceChildren();
      break;
    case "message.delta": {
      if (settled.has(frame.messageId)) break;
      if (frame.discarded) { settle(frame.messageId); break; }
      let draft = streaming.get(frame.messageId);
      if (!draft) {
        draft = { li: document.createElement("li"), parts: [] };
        draft.li.className = "assistant streaming";
        draft.li.append(Object.assign(document.createElement("span"), { className: "text" }));
        $("messages").append(draft.li);
        streaming.set(frame.messageId, draft);
      }
      draft.parts[frame.index] = frame.text;
      draft.li.firstChild.textContent = draft.parts.join("");
      draft.li.scrollIntoView({ block: "end" });
      break;
    }
    case "message":
      if (frame.seq <= state.lastSeq) return;
      state.lastSeq = frame.seq;
      if (frame.role === "user" && frame.content === "") addMessage("user empty", "", { messageId: frame.messageId, timestamp: frame.timestamp, key: "page.emptyInput" });
      else addMessage(frame.role, frame.content, { messageId: frame.messageId, timestamp: frame.timestamp });
      break;
    case "turn.completed":
      if (frame.seq <= state.lastSeq) return;
      state.lastSeq = frame.seq;
      state.status = frame.executionStatus;
      renderTurn(frame);
      if (frame.executionStatus === "completed") { addMessage("system", "", { key: "page.complete" }); setComposer(false); }
      else if (frame.executionStatus === "error") {
        if (frame.error?.message) addMessage("error", frame.error.message); else addMessage("error", "", { key: "page.turnFailed" });
        setComposer(true);
      }
      else setComposer(!counsel.on || counsel.holding);
      break;
    case "ack":
      state.pending.delete(frame.clientMessageId);
      if (counsel.commands.has(frame.requestId)) {
        const command = counsel.commands.get(frame.requestId);
        counsel.commands.delete(frame.requestId);
        if (command !== "counsellor.say") { counsel.holding = command === "counsellor.take"; showHolding(); }
      }
      break;
    case "safety.alert":
      counsel.flags.set(`${frame.sessionId}/${frame.seq}`, frame);
      showQueue();
      break;
    case "safety.subscribed":
      break;
    case "auth.expiring":
      fetchToken().then((ok) => ok && send({ type: "auth.refresh", requestId: nextId(), token: state.token }));
      break;
    case "auth.refreshed":
    case "locale.changed":
      break;
    case "error":
      addMessage("error", `${frame.code}: ${frame.message}`);
      setComposer(state.status !== "completed");
      break;
  }
}

// The debug panel: one entry per turn — where the script is, what changed, every variable, every LLM call.
function renderTurn(frame) {
  const el = (tag, text, attrs = {}) => Object.assign(document.createElement(tag), { textContent: text ?? "", ...attrs });
  const table = (headers, rows) => {
    const tbl = el("table");
    tbl.append(el("tr"));
    headers.forEach((h) => tbl.rows[0].append(el("th", t(h))));
    rows.forEach((r) => { const tr = tbl.insertRow(); r.forEach((c) => tr.append(el("td", typeof c === "string" ? c : JSON.stringify(c)))); });
    return tbl;
  };
  const p = frame.position ?? {};
  const item = el("li");
  item.append(el("h3", t("page.turnHeading", {
    seq: frame.seq, status: frame.executionStatus, phase: p.phaseId ?? "?", topic: p.topicId ?? "?", action: p.actionId ?? "—",
    type: p.actionType ?? "", round: number(p.currentRound), max: number(p.maxRounds),
  })));
  if (frame.changedVariables?.length) item.append(table(["page.col.changed", "page.col.scope", "page.col.old", "page.col.new", "page.col.by"], frame.changedVariables.map((c) => [c.name, c.scope, c.oldValue ?? "", c.newValue ?? "", c.actionId ?? ""])));
  const vars = frame.debug?.variables ?? {};
  const rows = Object.entries(vars).flatMap(([scope, values]) => Object.entries(values ?? {}).map(([name, value]) => [scope, name, value]));
  if (rows.length) item.append(table(["page.col.scope", "page.col.variable", "page.col.value"], rows));
  for (const call of frame.debug?.llmCalls ?? []) {
    const details = el("details");
    details.append(el("summary", t("page.llmCall", {
      purpose: call.purpose, action: call.actionId, model: call.model, promptTokens: number(call.promptTokens), completionTokens: number(call.completionTokens),
      ms: number(Math.round(call.latencyMs)), finish: call.finishReason ?? "", template: call.template ?? "—",
    })));
    const unrecorded = t("page.notRecorded");
    details.append(el("h4", t("page.prompt")), el("pre", call.prompt ?? unrecorded), el("h4", t("page.response")), el("pre", call.response ?? unrecorded));
    item.append(details);
  }
  if (frame.error) item.append(el("p", `${frame.error.code}: ${frame.error.message}`));
  $("turns").prepend(item);
}

function submit(text) {
  // A counsellor holding a session speaks in it as themselves.
  if (counsel.on) { if (text) counsellorCommand("counsellor.say", { text }); return; }
  const clientMessageId = crypto.randomUUID();
  state.pending.set(clientMessageId, text);
  send({ type: "input", requestId: nextId(), sessionId: state.sessionId, clientMessageId, text });
  setComposer(false);
}

$("signin").onclick = signIn;
$("start").onclick = () => {
  $("debugPanel").classList.toggle("hidden", !$("debug").checked);
  send({ type: "session.start", requestId: nextId(), scriptId: $("script").value, debug: $("debug").checked });
};
$("composer").onsubmit = (e) => { e.preventDefault(); const text = $("text").value; $("text").value = ""; submit(text); };
$("next").onclick = () => submit("");
$("take").onclick = () => counsellorCommand("counsellor.take");
$("release").onclick = () => counsellorCommand("counsellor.release");
$("language").onchange = (e) => chooseLanguage(e.target.value);
loadLanguage(localStorage.getItem("heartrule.locale"));
