// The AppHost dashboard: polls /api/resources, streams a replica's console through server-sent events.
"use strict";

const tbody = document.querySelector("#resources tbody");
const statusLabel = document.getElementById("status");
const consoleSection = document.getElementById("console");
const consoleTitle = document.getElementById("console-title");
const consoleOutput = document.getElementById("console-output");
const follow = document.getElementById("follow");
let selected = null; // { name, replica }
let source = null;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function stateCell(state, message) {
  return el("td", {}, el("span", { class: "state-" + state.toLowerCase() }, state), message ? el("span", { class: "message" }, message) : null);
}

async function command(name, replica, verb, event) {
  event.stopPropagation();
  const query = replica === null ? "" : "?replica=" + replica;
  await fetch(`/api/resources/${encodeURIComponent(name)}/${verb}${query}`, { method: "POST" });
  refresh();
}

function actions(name, replica, state) {
  const running = !["Stopped", "Exited", "FailedToStart", "NotStarted"].includes(state);
  return el("td", {},
    running ? el("button", { type: "button", onclick: e => command(name, replica, "stop", e) }, "stop")
            : el("button", { type: "button", onclick: e => command(name, replica, "start", e) }, "start"),
    " ",
    el("button", { type: "button", onclick: e => command(name, replica, "restart", e) }, "restart"));
}

function links(urls) {
  return urls.map(u => el("div", {}, el("a", { href: u, target: "_blank", rel: "noopener" }, u)));
}

function render(resources) {
  tbody.replaceChildren();
  for (const r of resources) {
    const single = r.replicas.length === 1;
    const first = r.replicas[0];
    const endpoints = r.endpoints.filter(e => !e.isInternal);
    const row = el("tr", { class: "selectable" + (selected && selected.name === r.name && selected.replica === 0 && single ? " selected" : "") },
      el("td", {}, el("strong", {}, r.name), r.isExternal ? el("span", { class: "message" }, "external") : null,
        r.urls.map(u => el("div", {}, el("a", { href: u.url, target: "_blank", rel: "noopener", onclick: e => e.stopPropagation() }, u.displayText)))),
      el("td", {}, r.kind),
      stateCell(r.state, single ? first.message : null),
      el("td", { class: "health-" + r.health.toLowerCase() }, r.health),
      el("td", {}, single ? (first.pids.join(", ") || "–") : ""),
      el("td", {}, links(endpoints.map(e => e.url))),
      el("td", {}, r.restartCount),
      el("td", {}, r.waitFor.join(", ")),
      actions(r.name, null, r.state));
    if (single) row.addEventListener("click", () => select(r.name, 0, r.name));
    tbody.append(row);
    if (!single) {
      for (const replica of r.replicas) {
        const sub = el("tr", { class: "replica selectable" + (selected && selected.name === r.name && selected.replica === replica.replica ? " selected" : "") },
          el("td", {}, replica.displayName),
          el("td", {}, "replica " + replica.replica),
          stateCell(replica.state, replica.message),
          el("td", { class: "health-" + replica.health.toLowerCase() }, replica.health),
          el("td", {}, replica.pids.join(", ") || "–"),
          el("td", {}, links(replica.endpoints)),
          el("td", {}, replica.restartCount),
          el("td", {}, ""),
          actions(r.name, replica.replica, replica.state));
        sub.addEventListener("click", () => select(r.name, replica.replica, replica.displayName));
        tbody.append(sub);
      }
    }
  }
}

function select(name, replica, displayName) {
  if (source) source.close();
  selected = { name, replica };
  history.replaceState(null, "", `#logs/${encodeURIComponent(name)}/${replica}`);
  consoleSection.hidden = false;
  consoleTitle.textContent = displayName + " — console";
  consoleOutput.replaceChildren();
  source = new EventSource(`/api/resources/${encodeURIComponent(name)}/logs/stream?replica=${replica}`);
  source.onmessage = event => {
    const line = JSON.parse(event.data);
    const time = new Date(line.timestamp).toLocaleTimeString();
    consoleOutput.append(el("div", { class: line.isSystem ? "sys" : line.isError ? "err" : "" }, `${time}  ${line.isSystem ? "» " : ""}${line.text}`));
    if (follow.checked) consoleOutput.scrollTop = consoleOutput.scrollHeight;
  };
  refresh();
}

document.getElementById("console-close").addEventListener("click", () => {
  if (source) source.close();
  source = null;
  selected = null;
  history.replaceState(null, "", location.pathname);
  consoleSection.hidden = true;
});

async function refresh() {
  try {
    const response = await fetch("/api/resources");
    render(await response.json());
    statusLabel.textContent = "updated " + new Date().toLocaleTimeString();
  } catch {
    statusLabel.textContent = "AppHost not reachable";
  }
}

// #logs/<resource>/<replica> opens that console directly (a link to share, or to bookmark).
const opened = /^#logs\/([^/]+)\/(\d+)$/.exec(location.hash);
if (opened) select(decodeURIComponent(opened[1]), Number(opened[2]), decodeURIComponent(opened[1]));

refresh();
setInterval(refresh, 1000);
