import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { WebSocket, WebSocketServer } from "ws";

// A small in-process stand-in for the gateway nodes: enough of heartrule.v1 to exercise the client's connection
// logic (start, attach with replay, acked inputs processed once, ping, auth.refresh), with hooks to misbehave.

export type AnyFrame = { type: string; [field: string]: any };

interface Session {
  events: AnyFrame[];
  inputs: Set<string>;
  sockets: Set<WebSocket>;
}

/** What the gateway nodes share in the real system (the sessions' event logs), so that any node can resume a session. */
export class FakeBackend {
  readonly sessions = new Map<string, Session>();
  /** Every frame received, with the node it came to. */
  readonly received: { node: number; frame: AnyFrame }[] = [];
  /** Replays start this many events before the lastSeq asked for, as an overlapping replay would. */
  replayOverlap = 0;
  /** Answers nothing at all, not even pings: a socket that is dead but not closed. */
  silent = false;
  /** Sees each frame first; returns true when it handled it. */
  intercept?: (frame: AnyFrame, socket: WebSocket, node: number) => boolean;
  /** Called after each event is sent to a socket (e.g. to drop it mid-turn). */
  afterSend?: (event: AnyFrame, socket: WebSocket) => void;

  inputsOf(clientMessageId: string): AnyFrame[] {
    return this.received.filter((r) => r.frame.type === "input" && r.frame.clientMessageId === clientMessageId).map((r) => r.frame);
  }

  handle(frame: AnyFrame, socket: WebSocket, node: number): void {
    if (this.silent) return;
    this.received.push({ node, frame });
    if (this.intercept?.(frame, socket, node)) return;
    switch (frame.type) {
      case "ping":
        send(socket, { type: "pong" });
        break;
      case "session.start": {
        const sessionId = randomUUID();
        this.sessions.set(sessionId, { events: [], inputs: new Set(), sockets: new Set([socket]) });
        send(socket, { type: "session.started", requestId: frame.requestId, sessionId });
        this.turn(sessionId, ["Welcome. What is your name?"]);
        break;
      }
      case "session.attach": {
        const session = this.sessions.get(frame.sessionId);
        if (!session) {
          send(socket, { type: "error", requestId: frame.requestId, sessionId: frame.sessionId, code: "SESSION_NOT_FOUND", message: "No such session.", retryable: false });
          break;
        }
        session.sockets.add(socket);
        send(socket, { type: "session.attached", requestId: frame.requestId, sessionId: frame.sessionId });
        const from = (frame.lastSeq ?? 0) - this.replayOverlap;
        for (const event of session.events.filter((e) => e.seq > from)) this.deliver(event, socket);
        break;
      }
      case "input": {
        const session = this.sessions.get(frame.sessionId)!;
        send(socket, { type: "ack", requestId: frame.requestId, clientMessageId: frame.clientMessageId });
        if (session.inputs.has(frame.clientMessageId)) break;
        session.inputs.add(frame.clientMessageId);
        this.emit(frame.sessionId, { type: "message", role: "user", content: frame.text });
        this.turn(frame.sessionId, [`You said: ${frame.text}`]);
        break;
      }
      case "auth.refresh":
        send(socket, { type: "auth.refreshed", requestId: frame.requestId, expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
        break;
    }
  }

  /** AI messages, then the turn's end. */
  turn(sessionId: string, replies: string[]): void {
    for (const content of replies) this.emit(sessionId, { type: "message", role: "assistant", content });
    this.emit(sessionId, { type: "turn.completed", executionStatus: "waiting_input", position: {}, changedVariables: [] });
  }

  /** Numbers an event of the session and sends it to every socket attached to it. */
  emit(sessionId: string, partial: AnyFrame): AnyFrame {
    const session = this.sessions.get(sessionId)!;
    const message = partial.type === "message" ? { messageId: randomUUID(), timestamp: new Date().toISOString() } : {};
    const event: AnyFrame = { ...message, ...partial, sessionId, seq: session.events.length + 1 };
    session.events.push(event);
    for (const socket of session.sockets) this.deliver(event, socket);
    return event;
  }

  /** Sends a frame outside the sequence (deltas, alerts…) to every socket attached to the session. */
  broadcast(sessionId: string, frame: AnyFrame): void {
    for (const socket of this.sessions.get(sessionId)!.sockets) send(socket, frame);
  }

  private deliver(event: AnyFrame, socket: WebSocket): void {
    if (socket.readyState !== WebSocket.OPEN) return;
    send(socket, event);
    this.afterSend?.(event, socket);
  }
}

export class FakeGateway {
  /** The request URL of every connection, in order (token and locale are in its query). */
  readonly connections: URL[] = [];
  readonly sockets = new Set<WebSocket>();
  readonly closes: { code: number; reason: string }[] = [];

  private constructor(
    private readonly server: WebSocketServer,
    readonly url: string,
  ) {}

  static async start(backend: FakeBackend, node: number): Promise<FakeGateway> {
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0, path: "/ws", handleProtocols: (protocols) => (protocols.has("heartrule.v1") ? "heartrule.v1" : false) });
    await new Promise<void>((resolve) => server.once("listening", resolve));
    const gateway = new FakeGateway(server, `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`);
    server.on("connection", (socket, request) => {
      gateway.connections.push(new URL(request.url!, "http://gateway"));
      gateway.sockets.add(socket);
      socket.on("message", (data) => backend.handle(JSON.parse(data.toString()) as AnyFrame, socket, node));
      socket.on("close", (code, reason) => {
        gateway.sockets.delete(socket);
        gateway.closes.push({ code, reason: reason.toString() });
        for (const session of backend.sessions.values()) session.sockets.delete(socket);
      });
    });
    return gateway;
  }

  /** Sends a frame to every socket of this node. */
  sendAll(frame: AnyFrame): void {
    for (const socket of this.sockets) send(socket, frame);
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }
}

function send(socket: WebSocket, frame: AnyFrame): void {
  if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
}
