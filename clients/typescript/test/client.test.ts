import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import {
  ClientErrorCodes,
  HeartRuleClient,
  type Draft,
  type HeartRuleClientOptions,
  type HeartRuleEvents,
  type MessageFrame,
  type StateChange,
  type TurnCompletedFrame,
} from "../src/index.js";
import { FakeBackend, FakeGateway } from "./fakeGateway.js";

let backend: FakeBackend;
let nodes: FakeGateway[];
let clients: HeartRuleClient[];

beforeEach(async () => {
  backend = new FakeBackend();
  nodes = [await FakeGateway.start(backend, 0), await FakeGateway.start(backend, 1)];
  clients = [];
});

afterEach(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(nodes.map((n) => n.stop()));
});

function client(options: Partial<HeartRuleClientOptions> = {}): HeartRuleClient {
  const created = new HeartRuleClient({ urls: nodes.map((n) => n.url), token: "t1", WebSocket, backoff: { initialMs: 20, maxMs: 200 }, ...options });
  clients.push(created);
  return created;
}

/** Everything a client delivers, in order. */
function record(c: HeartRuleClient) {
  const seen = { events: [] as (MessageFrame | TurnCompletedFrame)[], drafts: [] as Draft[], states: [] as StateChange[] };
  c.on("message", (m) => seen.events.push(m));
  c.on("turn", (t) => seen.events.push(t));
  c.on("draft", (d) => seen.drafts.push(d));
  c.on("state", (s) => seen.states.push(s));
  return seen;
}

/** The next event of that kind that matches. */
function next<K extends keyof HeartRuleEvents>(c: HeartRuleClient, event: K, match: (e: HeartRuleEvents[K]) => boolean = () => true): Promise<HeartRuleEvents[K]> {
  return new Promise((resolve) => {
    const stop = c.on(event, (e) => {
      if (!match(e)) return;
      stop();
      resolve(e);
    });
  });
}

const turnAt = (seq: number) => (t: TurnCompletedFrame) => t.seq === seq;

/** Starts a session and waits for its first turn, which may arrive before start() resolves: the listener goes first. */
async function startSession(c: HeartRuleClient): Promise<string> {
  const firstTurn = next(c, "turn", turnAt(2));
  const sessionId = await c.start({ scriptId: "intake" });
  await firstTurn;
  return sessionId;
}
const seqs = (events: { seq: number }[]) => events.map((e) => e.seq);

describe("HeartRuleClient", () => {
  it("connects with the subprotocol and the token in the query, starts a session and delivers its first turn", async () => {
    const c = client({ locale: "zh-CN" });
    const seen = record(c);
    await c.connect();
    const sessionId = await startSession(c);

    expect(nodes[0]!.connections[0]!.searchParams.get("access_token")).toBe("t1");
    expect(nodes[0]!.connections[0]!.searchParams.get("locale")).toBe("zh-CN");
    expect(seen.events.map((e) => [e.type, e.seq, e.sessionId])).toEqual([["message", 1, sessionId], ["turn.completed", 2, sessionId]]);
    expect(c.lastSeq(sessionId)).toBe(2);
  });

  it("after a drop mid-turn resumes on the other node from the last seq: every event once, in order", async () => {
    const c = client();
    const seen = record(c);
    await c.connect();
    const sessionId = await startSession(c);
    // The socket dies right after the echo of the input: the reply comes while the client is away.
    let dropped = false;
    backend.afterSend = (event, socket) => {
      if (event.seq !== 3 || dropped) return;
      dropped = true;
      socket.terminate();
    };
    // The other node's replay overlaps what the client already has: it must not show twice.
    backend.replayOverlap = 2;
    const done = next(c, "turn", turnAt(5));
    await c.input(sessionId, "Alex");
    await done;

    expect(seqs(seen.events)).toEqual([1, 2, 3, 4, 5]);
    expect(seen.events.map((e) => (e.type === "message" ? e.content : e.type))).toEqual(["Welcome. What is your name?", "turn.completed", "Alex", "You said: Alex", "turn.completed"]);
    const attach = backend.received.find((r) => r.frame.type === "session.attach");
    expect(attach).toEqual({ node: 1, frame: expect.objectContaining({ sessionId, lastSeq: 3 }) });
    expect(seen.states.map((s) => [s.state, s.url])).toEqual([
      ["connecting", nodes[0]!.url], ["open", nodes[0]!.url], ["reconnecting", nodes[0]!.url], ["connecting", nodes[1]!.url], ["open", nodes[1]!.url],
    ]);
    expect(seen.states[2]!.code).toBe(1006);
  });

  it("sends an input made while disconnected once the connection is back, and it is processed once", async () => {
    const c = client();
    const seen = record(c);
    await c.connect();
    const sessionId = await startSession(c);
    let acked: Promise<unknown> | undefined;
    c.on("state", (s) => {
      if (s.state === "reconnecting" && !acked) acked = c.input(sessionId, "while away");
    });
    for (const socket of nodes[0]!.sockets) socket.terminate();
    await next(c, "turn", turnAt(5));
    await acked;

    const inputs = backend.received.filter((r) => r.frame.type === "input");
    expect(inputs.map((r) => [r.node, r.frame.text])).toEqual([[1, "while away"]]);
    expect(seen.events.filter((e) => e.type === "message" && e.role === "user").map((e) => (e as MessageFrame).content)).toEqual(["while away"]);
  });

  it("takes a socket that never acks an input for dead and sends the input again, same clientMessageId, on a new one", async () => {
    const c = client({ ackTimeoutMs: 150 });
    const seen = record(c);
    await c.connect();
    const sessionId = await startSession(c);
    let swallowed = 0;
    backend.intercept = (frame) => frame.type === "input" && swallowed++ === 0;
    const done = next(c, "turn", turnAt(5));
    const ack = await c.input(sessionId, "hello?");
    await done;

    const attempts = backend.inputsOf(ack.clientMessageId);
    expect(attempts).toHaveLength(2);
    expect(backend.received.filter((r) => r.frame.type === "input").map((r) => r.node)).toEqual([0, 1]);
    expect(seqs(seen.events)).toEqual([1, 2, 3, 4, 5]);
  });

  it("sends the same input again after a retryable error, and fails the call on one that is not", async () => {
    const c = client();
    await c.connect();
    const sessionId = await c.start({ scriptId: "intake" });
    let refused = 0;
    backend.intercept = (frame, socket) => {
      if (frame.type !== "input") return false;
      const error = frame.text === "late" ? { code: "SESSION_COMPLETED", retryable: false } : refused++ < 2 ? { code: "SERVICE_UNAVAILABLE", retryable: true } : null;
      if (error) socket.send(JSON.stringify({ type: "error", requestId: frame.requestId, sessionId, message: "no", ...error }));
      return error !== null;
    };
    const ack = await c.input(sessionId, "again");
    expect(backend.inputsOf(ack.clientMessageId)).toHaveLength(3);
    expect(new Set(backend.inputsOf(ack.clientMessageId).map((f) => f.clientMessageId)).size).toBe(1);

    await expect(c.input(sessionId, "late")).rejects.toMatchObject({ name: "HeartRuleError", code: "SESSION_COMPLETED", retryable: false });
    // The connection stayed up throughout.
    expect(nodes[0]!.connections).toHaveLength(1);
  });

  it("assembles deltas out of order; the final message replaces them, a discarded or unfinished one is removed", async () => {
    const c = client();
    const seen = record(c);
    await c.connect();
    const sessionId = await startSession(c);
    const delta = (messageId: string, index: number, text: string, discarded?: boolean) =>
      backend.broadcast(sessionId, { type: "message.delta", sessionId, messageId, index, text, ...(discarded ? { discarded } : {}) });
    delta("a", 1, "lo, ");
    delta("a", 0, "Hel");
    delta("a", 2, "Alex");
    delta("b", 0, "Do you");
    delta("b", 1, "", true);
    delta("c", 0, "Never finished");
    backend.emit(sessionId, { type: "message", role: "assistant", content: "Hello, Alex.", messageId: "a" });
    delta("a", 3, " late");
    backend.emit(sessionId, { type: "turn.completed", executionStatus: "waiting_input", position: {}, changedVariables: [] });
    await next(c, "turn", turnAt(4));

    expect(seen.drafts.map((d) => [d.messageId, d.text, d.discarded])).toEqual([
      ["a", "Hello, ", false], ["a", "Hello, Alex", false], ["b", "Do you", false], ["b", "", true], ["c", "Never finished", false], ["c", "", true],
    ]);
    expect(seen.events.at(-2)).toMatchObject({ type: "message", content: "Hello, Alex.", seq: 3 });
  });

  it("refreshes its token when told it expires, and after a 4001 close fetches a new one to reconnect", async () => {
    let issued = 0;
    const c = client({ token: () => `t${++issued}` });
    await c.connect();
    const refreshed = next(c, "authRefreshed");
    nodes[0]!.sendAll({ type: "auth.expiring", expiresAt: new Date(Date.now() + 60_000).toISOString() });
    await refreshed;
    expect(backend.received.find((r) => r.frame.type === "auth.refresh")?.frame.token).toBe("t2");

    const reopened = next(c, "state", (s) => s.state === "open");
    for (const socket of nodes[0]!.sockets) socket.close(4001, "token expired");
    await reopened;
    expect(nodes[1]!.connections[0]!.searchParams.get("access_token")).toBe("t3");
  });

  it("pings to keep the socket alive, and takes one that no longer answers for dead", async () => {
    const c = client({ keepAliveMs: 50 });
    const seen = record(c);
    await c.connect();
    await new Promise<void>((resolve) => {
      backend.intercept = (frame) => {
        if (backend.received.filter((r) => r.frame.type === "ping").length >= 3) resolve();
        return false;
      };
    });
    backend.silent = true;
    const dead = next(c, "state", (s) => s.state === "reconnecting");
    expect(await dead).toMatchObject({ url: nodes[0]!.url, code: 1006, reason: "no answer to ping" });
    backend.silent = false;
    await next(c, "state", (s) => s.state === "open");
    expect(seen.states.at(-1)!.url).toBe(nodes[1]!.url);
  });

  it("goes round the gateways while one is down", async () => {
    await nodes[0]!.stop();
    const c = client();
    const seen = record(c);
    await c.connect();
    expect(seen.states.map((s) => [s.state, s.url])).toEqual([
      ["connecting", nodes[0]!.url], ["reconnecting", nodes[0]!.url], ["connecting", nodes[1]!.url], ["open", nodes[1]!.url],
    ]);
    nodes.shift();
  });

  it("attaches from a stored seq, and forgets a session the server does not know", async () => {
    const first = client();
    await first.connect();
    const sessionId = await startSession(first);

    const second = client();
    const seen = record(second);
    await second.connect();
    await second.attach(sessionId, { lastSeq: 1 });
    const done = next(second, "turn", turnAt(5));
    await first.input(sessionId, "from the first device");
    await done;
    expect(seqs(seen.events)).toEqual([2, 3, 4, 5]);

    const unknown = "00000000-0000-0000-0000-000000000000";
    await expect(second.attach(unknown)).rejects.toMatchObject({ code: "SESSION_NOT_FOUND" });
    expect(second.lastSeq(unknown)).toBeUndefined();
  });

  it("closes cleanly: 1000, no reconnect, and calls still waiting fail with CLIENT_CLOSED", async () => {
    const c = client();
    const seen = record(c);
    await c.connect();
    const sessionId = await c.start({ scriptId: "intake" });
    backend.intercept = (frame) => frame.type === "input";
    const pending = expect(c.input(sessionId, "never acked")).rejects.toMatchObject({ code: ClientErrorCodes.clientClosed });
    const gone = new Promise<void>((resolve) => nodes[0]!.sockets.values().next().value!.once("close", () => resolve()));
    await c.close();
    await gone;

    await pending;
    expect(nodes[0]!.closes).toEqual([{ code: 1000, reason: "client closed" }]);
    expect(seen.states.map((s) => s.state)).toEqual(["connecting", "open", "closed"]);
    await expect(c.connect()).rejects.toMatchObject({ code: ClientErrorCodes.clientClosed });
    await expect(c.input(sessionId, "after")).rejects.toMatchObject({ code: ClientErrorCodes.clientClosed });
  });

  it("makes each clientMessageId a v4 UUID, also where crypto.randomUUID is missing (a page over plain HTTP)", async () => {
    const c = client();
    await c.connect();
    const sessionId = await startSession(c);
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const ids = [(await c.input(sessionId, "one")).clientMessageId];
    Object.defineProperty(globalThis.crypto, "randomUUID", { value: undefined, configurable: true });
    try {
      ids.push((await c.input(sessionId, "two")).clientMessageId, (await c.input(sessionId, "three")).clientMessageId);
    } finally {
      delete (globalThis.crypto as { randomUUID?: unknown }).randomUUID;
    }
    expect(ids).toHaveLength(3);
    for (const id of ids) expect(id).toMatch(uuid);
    expect(new Set(ids).size).toBe(3);
  });

  it("refuses an input over the gateway's frame limit before sending it", async () => {
    const c = client();
    await c.connect();
    await expect(c.input("s", "x".repeat(1024 * 1024))).rejects.toMatchObject({ code: ClientErrorCodes.frameTooLarge });
    expect(backend.received.filter((r) => r.frame.type === "input")).toHaveLength(0);
  });
});
