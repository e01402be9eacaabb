// The chat page: signs in with the Development token endpoint, then speaks heartrule.v1 (docs/protocol.md).
const $ = (id) => document.getElementById(id);
const state = { token: null, userId: null, roles: null, socket: null, sessionId: null, lastSeq: 0, pending: new Map(), status: null, requests: 0 };

function setStatus(text) { $("status").textContent = text; }

// Deltas may arrive out of order (they are not sequenced): pieces are placed by index, and deltas of a
// message that is already final or discarded are ignored.
const streaming = new Map(); // messageId → { li, parts }
const settled = new Set(); // messageIds that are final or discarded

function addMessage(role, text, extra = "", messageId = null) {
  // The final message replaces its streamed draft, in sequence order (after the echo of the user's input).
  if (messageId) settle(messageId);
  const li = document.createElement("li");
  li.className = `${role} ${extra}`.trim();
  li.textContent = role === "user" && text === "" ? "(next)" : text;
  if (role === "user" && text === "") li.classList.add("empty");
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

async function signIn() {
  state.userId = $("user").value.trim();
  // Development sign-in: the role is picked on the page (debug frames need author or admin).
  state.roles = [$("role").value];
  if (!await fetchToken()) return;
  const userId = state.userId;
  const scripts = await fetch("/api/scripts?kind=session", { headers: { Authorization: `Bearer ${state.token}` } }).then((r) => r.json());
  const select = $("script");
  select.replaceChildren(...scripts.map((s) => new Option(`${s.name ?? s.id} (v${s.publishedVersion ?? s.latestVersion})`, s.id)));
  select.disabled = false;
  $("start").disabled = scripts.length === 0;
  setStatus(`signed in as ${userId}`);
  connect();
}

// A token from the Development sign-in, for the signed-in user and roles: at sign-in, and again whenever the
// gateway says the socket's token is about to expire (auth.expiring) or has (close 4001).
async function fetchToken() {
  const res = await fetch("/auth/dev-token", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ userId: state.userId, roles: state.roles }) });
  if (!res.ok) { setStatus(`sign-in failed (${res.status})`); return false; }
  state.token = (await res.json()).accessToken;
  return true;
}

function connect() {
  const url = new URL("/ws", location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("access_token", state.token);
  const socket = new WebSocket(url, "heartrule.v1");
  state.socket = socket;
  socket.onopen = () => {
    setStatus("connected");
    // After a reconnect, pick the conversation up where it stopped.
    if (state.sessionId) send({ type: "session.attach", requestId: nextId(), sessionId: state.sessionId, lastSeq: state.lastSeq, debug: $("debug").checked });
  };
  socket.onmessage = (event) => onFrame(JSON.parse(event.data));
  // The gateway closes sockets that stay silent past its idle timeout.
  const keepAlive = setInterval(() => socket.readyState === WebSocket.OPEN && send({ type: "ping" }), 30000);
  socket.addEventListener("close", () => clearInterval(keepAlive));
  socket.onclose = (event) => {
    setStatus(`disconnected (${event.code}); reconnecting…`);
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
        $("messages").append(draft.li);
        streaming.set(frame.messageId, draft);
      }
      draft.parts[frame.index] = frame.text;
      draft.li.textContent = draft.parts.join("");
      draft.li.scrollIntoView({ block: "end" });
      break;
    }
    case "message":
      if (frame.seq <= state.lastSeq) return;
      state.lastSeq = frame.seq;
      addMessage(frame.role, frame.content, "", frame.messageId);
      break;
    case "turn.completed":
      if (frame.seq <= state.lastSeq) return;
      state.lastSeq = frame.seq;
      state.status = frame.executionStatus;
      renderTurn(frame);
      if (frame.executionStatus === "completed") { addMessage("system", "The session is complete."); setComposer(false); }
      else if (frame.executionStatus === "error") { addMessage("error", frame.error?.message ?? "The turn failed."); setComposer(true); }
      else setComposer(true);
      break;
    case "ack":
      state.pending.delete(frame.clientMessageId);
      break;
    case "auth.expiring":
      fetchToken().then((ok) => ok && send({ type: "auth.refresh", requestId: nextId(), token: state.token }));
      break;
    case "auth.refreshed":
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
    const t = el("table");
    t.append(el("tr"));
    headers.forEach((h) => t.rows[0].append(el("th", h)));
    rows.forEach((r) => { const tr = t.insertRow(); r.forEach((c) => tr.append(el("td", typeof c === "string" ? c : JSON.stringify(c)))); });
    return t;
  };
  const p = frame.position ?? {};
  const item = el("li");
  item.append(el("h3", `#${frame.seq} ${frame.executionStatus} — ${p.phaseId ?? "?"} › ${p.topicId ?? "?"} › ${p.actionId ?? "—"} (${p.actionType ?? ""}, round ${p.currentRound}/${p.maxRounds})`));
  if (frame.changedVariables?.length) item.append(table(["changed", "scope", "old", "new", "by"], frame.changedVariables.map((c) => [c.name, c.scope, c.oldValue ?? "", c.newValue ?? "", c.actionId ?? ""])));
  const vars = frame.debug?.variables ?? {};
  const rows = Object.entries(vars).flatMap(([scope, values]) => Object.entries(values ?? {}).map(([name, value]) => [scope, name, value]));
  if (rows.length) item.append(table(["scope", "variable", "value"], rows));
  for (const call of frame.debug?.llmCalls ?? []) {
    const details = el("details");
    details.append(el("summary", `LLM ${call.purpose} for ${call.actionId}: ${call.model}, ${call.promptTokens ?? "?"}+${call.completionTokens ?? "?"} tokens, ${Math.round(call.latencyMs)} ms, ${call.finishReason ?? ""}`));
    const unrecorded = "(not recorded: prompts are kept for turns taken while a socket debugs the session)";
    details.append(el("h4", "Prompt"), el("pre", call.prompt ?? unrecorded), el("h4", "Response"), el("pre", call.response ?? unrecorded));
    item.append(details);
  }
  if (frame.error) item.append(el("p", `${frame.error.code}: ${frame.error.message}`));
  $("turns").prepend(item);
}

function submit(text) {
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
$("composer").onsubmit = (e) => { e.preventDefault(); const t = $("text").value; $("text").value = ""; submit(t); };
$("next").onclick = () => submit("");
