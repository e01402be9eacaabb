import { backoffDelay, defaultBackoff, type BackoffOptions } from "./backoff.js";
import { DeltaAssembler, type Draft } from "./deltas.js";
import { ClientErrorCodes, HeartRuleError } from "./errors.js";
import {
  SUBPROTOCOL,
  type AckFrame,
  type AuthExpiringFrame,
  type AuthRefreshedFrame,
  type ClientFrame,
  type CounsellorReleaseFrame,
  type CounsellorSayFrame,
  type CounsellorTakeFrame,
  type InputFrame,
  type JsonValue,
  type LocaleChangedFrame,
  type MessageFrame,
  type SafetyAlertFrame,
  type ServerFrame,
  type SessionStartedFrame,
  type TurnCompletedFrame,
} from "./frames.js";
import { SequenceTracker } from "./sequence.js";

/** What the client needs of a WebSocket: the browser's, or the `ws` package's on Node.js. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "open" | "error", listener: () => void): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  addEventListener(type: "close", listener: (event: { code: number; reason: string }) => void): void;
}

export type WebSocketConstructor = new (url: string, protocols: string) => WebSocketLike;

/** A token, or a function that gets a fresh one (called to connect, when the token is about to expire, and after it has). */
export type TokenSource = string | (() => string | Promise<string>);

export interface HeartRuleClientOptions {
  /** The gateways' WebSocket addresses (`wss://host/ws`); each reconnect goes to the next, since any node can resume a session. */
  urls: string | readonly string[];
  token: TokenSource;
  /** The WebSocket to use: by default the global one (browsers, Node.js 22+); on older Node.js pass `ws`'s. */
  WebSocket?: WebSocketConstructor;
  /** The socket's language for error messages (a BCP 47 tag); by default the gateway's choice (Accept-Language, else English). */
  locale?: string;
  /** Send a `ping` this often (ms); a socket that then hears nothing for as long again is taken for dead. */
  keepAliveMs?: number;
  /** How long an input waits for its `ack` (ms) before the socket is taken for dead: longer than the gateway's 5 s accept timeout. */
  ackTimeoutMs?: number;
  /** Delays between reconnects, and between retries of an input the server could not take yet. */
  backoff?: Partial<BackoffOptions>;
  /** Inputs not yet acknowledged; past it `input` fails with TOO_MANY_PENDING. */
  maxPendingInputs?: number;
  /** Makes `clientMessageId`s: by default random UUIDs. */
  newId?: () => string;
}

export type ConnectionState = "connecting" | "open" | "reconnecting" | "closed";

export interface StateChange {
  state: ConnectionState;
  /** The gateway this is about: the one being connected to, connected to, or that the socket was lost from. */
  url: string;
  /** For "reconnecting" and "closed": the lost socket's close code (1006 when it dropped without one). */
  code?: number;
  reason?: string;
}

/** The client's events; `message`, `turn` and `draft` come exactly once each, `message` and `turn` in `seq` order. */
export interface HeartRuleEvents {
  state: StateChange;
  message: MessageFrame;
  /** An AI message as far as it is written; its `message` (same `messageId`) replaces it, `discarded` removes it. */
  draft: Draft;
  turn: TurnCompletedFrame;
  ack: AckFrame;
  /** An error no call is waiting for (e.g. a session that could not be attached again after a reconnect). */
  error: HeartRuleError;
  safetyAlert: SafetyAlertFrame;
  /** The token expires soon: a client given a token function refreshes by itself; else call `refreshAuth(token)`. */
  authExpiring: AuthExpiringFrame;
  authRefreshed: AuthRefreshedFrame;
  /** Every frame as it arrives, duplicates included: for debug consoles. */
  frame: ServerFrame;
}

export interface StartOptions {
  scriptId: string;
  version?: number;
  initialVariables?: Record<string, JsonValue>;
  debug?: boolean;
  locale?: string;
}

export interface AttachOptions {
  /** The last `seq` already shown: events after it follow. By default where this client is, else 0 (everything). */
  lastSeq?: number;
  debug?: boolean;
}

type AckedFrame = InputFrame | CounsellorTakeFrame | CounsellorSayFrame | CounsellorReleaseFrame;

interface Command {
  frame: AckedFrame;
  attempts: number;
  timer?: ReturnType<typeof setTimeout>;
  resolve(ack: AckFrame): void;
  reject(error: HeartRuleError): void;
}

interface Waiter {
  /** Sent again on every reconnect (attach, safety.subscribe), so it waits across them; the others fail with CONNECTION_LOST. */
  resent: boolean;
  /** An attach's session, unfollowed if it is refused. */
  sessionId?: string;
  /** A start's debug flag, for attaching again after a reconnect. */
  debug?: boolean;
  resolve(frame: ServerFrame): void;
  reject(error: HeartRuleError): void;
}

interface Followed {
  /** The attach's requestId, the same on every reconnect. */
  requestId: string;
  debug?: boolean;
}

type Listener<K extends keyof HeartRuleEvents> = (event: HeartRuleEvents[K]) => void;

const OPEN = 1;
/** The gateway closes a socket (1009) for a frame over 1 MiB. */
const MAX_FRAME_BYTES = 1024 * 1024;
const encoder = new TextEncoder();

/**
 * A heartrule.v1 client that survives lost connections: it reconnects with jittered exponential back-off to the
 * next gateway, attaches again to every session at the last `seq` it delivered, sends again every input not yet
 * acknowledged (same `clientMessageId`, so the server processes it once), and delivers each event exactly once.
 */
export class HeartRuleClient {
  private readonly urls: readonly string[];
  private readonly tokenSource: TokenSource;
  private readonly WebSocketImpl: WebSocketConstructor;
  private readonly keepAliveMs: number;
  private readonly ackTimeoutMs: number;
  private readonly backoff: BackoffOptions;
  private readonly maxPendingInputs: number;
  private readonly newId: () => string;

  private readonly listeners = new Map<keyof HeartRuleEvents, Set<Listener<never>>>();
  private readonly seq = new SequenceTracker();
  private readonly followed = new Map<string, Followed>();
  private readonly deltas = new DeltaAssembler();
  private readonly requests = new Map<string, Waiter>();
  /** By clientMessageId, in the order they were made: the order they are sent again in. */
  private readonly commands = new Map<string, Command>();
  private openWaiters: { resolve(): void; reject(error: HeartRuleError): void }[] = [];
  private closeWaiters: (() => void)[] = [];

  private locale: string | undefined;
  private token: string | undefined;
  private safetyRequestId: string | undefined;
  private socket: WebSocketLike | null = null;
  private url: string;
  private urlIndex = 0;
  private failures = 0;
  private requestCount = 0;
  private started = false;
  private closing = false;
  private current: ConnectionState = "connecting";
  private heard = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private keepAliveTimer: ReturnType<typeof setInterval> | undefined;

  constructor(options: HeartRuleClientOptions) {
    this.urls = typeof options.urls === "string" ? [options.urls] : [...options.urls];
    if (this.urls.length === 0) throw new TypeError("HeartRuleClient: give at least one gateway address in `urls`.");
    for (const url of this.urls) {
      if (!/^wss?:$/.test(new URL(url).protocol)) throw new TypeError(`HeartRuleClient: ${url} is not a ws:// or wss:// address.`);
    }
    const WebSocketImpl = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!WebSocketImpl) throw new TypeError("HeartRuleClient: this runtime has no global WebSocket; pass one as `WebSocket` (on Node.js, the `ws` package's).");
    this.WebSocketImpl = WebSocketImpl;
    this.tokenSource = options.token;
    this.locale = options.locale;
    this.keepAliveMs = options.keepAliveMs ?? 30_000;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.backoff = { ...defaultBackoff, ...options.backoff };
    this.maxPendingInputs = options.maxPendingInputs ?? 100;
    this.newId = options.newId ?? randomId;
    this.url = this.urls[0]!;
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** The last `seq` delivered of a session this client follows: keep it to attach from there later. */
  lastSeq(sessionId: string): number | undefined {
    return this.seq.lastSeq(sessionId);
  }

  /** Listens to an event; returns the function that stops it. */
  on<K extends keyof HeartRuleEvents>(event: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  /** Opens the connection; resolves once it is open. Until `close()`, the client reconnects by itself whenever it is lost. */
  connect(): Promise<void> {
    if (this.closing) return Promise.reject(closedError());
    if (!this.started) {
      this.started = true;
      void this.open();
    }
    return this.whenOpen();
  }

  /** Starts a session of a script and follows it from its first event; resolves with its id. */
  async start(options: StartOptions): Promise<string> {
    await this.whenOpen();
    const requestId = this.nextRequestId();
    const started = (await this.request({ type: "session.start", requestId, ...options }, { resent: false, debug: options.debug })) as SessionStartedFrame;
    return started.sessionId;
  }

  /** Follows a session (again, after a reload or on another device): the events after `lastSeq`, then live ones. */
  async attach(sessionId: string, options: AttachOptions = {}): Promise<void> {
    const requestId = this.nextRequestId();
    this.follow(sessionId, options.lastSeq ?? this.seq.lastSeq(sessionId) ?? 0, { requestId, debug: options.debug });
    await this.request({ type: "session.attach", requestId, sessionId, lastSeq: this.seq.lastSeq(sessionId), debug: options.debug }, { resent: true, sessionId });
  }

  /** Stops following a session. */
  detach(sessionId: string): void {
    this.unfollow(sessionId);
    this.send({ type: "session.detach", sessionId });
  }

  /**
   * Sends what the client says (empty: "next", for an `ai_say` that waits). Sent again with the same
   * `clientMessageId` until acknowledged — after a reconnect, after a retryable error — and processed once.
   * Resolves on the `ack`; the turn's events follow as `message` and `turn` events.
   */
  input(sessionId: string, text: string): Promise<AckFrame> {
    const id = this.newId();
    return this.command({ type: "input", requestId: id, sessionId, clientMessageId: id, text });
  }

  /** Counsellors: takes a flagged conversation over (attach to it first to see it). */
  counsellorTake(sessionId: string): Promise<AckFrame> {
    const id = this.newId();
    return this.command({ type: "counsellor.take", requestId: id, sessionId, clientMessageId: id });
  }

  /** The counsellor holding the conversation: says something to the client. */
  counsellorSay(sessionId: string, text: string): Promise<AckFrame> {
    const id = this.newId();
    return this.command({ type: "counsellor.say", requestId: id, sessionId, clientMessageId: id, text });
  }

  /** The counsellor holding the conversation: hands it back to the script. */
  counsellorRelease(sessionId: string): Promise<AckFrame> {
    const id = this.newId();
    return this.command({ type: "counsellor.release", requestId: id, sessionId, clientMessageId: id });
  }

  /** Counsellors and admins: a `safetyAlert` event for every session flagged from now on, across reconnects. */
  async subscribeSafety(): Promise<void> {
    this.safetyRequestId ??= this.nextRequestId();
    await this.request({ type: "safety.subscribe", requestId: this.safetyRequestId }, { resent: true });
  }

  /**
   * Gives the socket a new token for the same user: the one passed, else a fresh one from the token function.
   * Reconnects use it too.
   */
  async refreshAuth(token?: string): Promise<AuthRefreshedFrame> {
    this.token = token ?? (await this.fetchToken());
    await this.whenOpen();
    return (await this.request({ type: "auth.refresh", requestId: this.nextRequestId(), token: this.token }, { resent: false })) as AuthRefreshedFrame;
  }

  /** Words the socket's error messages in another language; reconnects ask for it too. */
  async changeLocale(locale: string): Promise<LocaleChangedFrame> {
    this.locale = locale;
    await this.whenOpen();
    return (await this.request({ type: "locale.change", requestId: this.nextRequestId(), locale }, { resent: false })) as LocaleChangedFrame;
  }

  /** Closes the connection for good (1000): no reconnect; calls still waiting fail with CLIENT_CLOSED. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    this.stopKeepAlive();
    const error = closedError();
    for (const command of this.commands.values()) {
      clearTimeout(command.timer);
      command.reject(error);
    }
    this.commands.clear();
    for (const waiter of this.requests.values()) waiter.reject(error);
    this.requests.clear();
    for (const waiter of this.openWaiters.splice(0)) waiter.reject(error);
    const socket = this.socket;
    if (socket && socket.readyState <= OPEN) {
      const closed = new Promise<void>((resolve) => this.closeWaiters.push(resolve));
      socket.close(1000, "client closed");
      await closed;
    } else {
      this.socket = null;
      this.setState({ state: "closed", url: this.url });
    }
  }

  private async open(): Promise<void> {
    this.url = this.urls[this.urlIndex]!;
    this.setState({ state: "connecting", url: this.url });
    let socket: WebSocketLike;
    try {
      this.token ??= await this.fetchToken();
      if (this.closing) return;
      socket = new this.WebSocketImpl(this.address(this.url, this.token), SUBPROTOCOL);
    } catch (error) {
      // The token function failed, or the WebSocket refused the address: try again later, like a lost connection.
      if (!this.closing) this.reconnect(1006, error instanceof Error ? error.message : String(error));
      return;
    }
    this.socket = socket;
    // Events of a socket this client has let go of (closed, or taken for dead) no longer matter.
    socket.addEventListener("open", () => this.socket === socket && this.onOpen());
    socket.addEventListener("message", (event) => this.socket === socket && this.onData(event.data));
    socket.addEventListener("close", (event) => this.socket === socket && this.onClose(event.code, event.reason));
    // A close event follows every error; without a listener the `ws` package would throw it.
    socket.addEventListener("error", () => undefined);
  }

  private address(url: string, token: string): string {
    // A browser cannot set headers on a WebSocket: the token goes in the query (docs/protocol.md, "Connecting").
    const address = new URL(url);
    address.searchParams.set("access_token", token);
    if (this.locale) address.searchParams.set("locale", this.locale);
    return address.toString();
  }

  private onOpen(): void {
    this.failures = 0;
    this.startKeepAlive();
    // Resume before anything new goes out: safety alerts, every followed session from its last seq, every input not yet acked.
    if (this.safetyRequestId) this.send({ type: "safety.subscribe", requestId: this.safetyRequestId });
    for (const [sessionId, followed] of this.followed) {
      this.send({ type: "session.attach", requestId: followed.requestId, sessionId, lastSeq: this.seq.lastSeq(sessionId), debug: followed.debug });
    }
    for (const command of this.commands.values()) this.sendCommand(command);
    this.setState({ state: "open", url: this.url });
    for (const waiter of this.openWaiters.splice(0)) waiter.resolve();
  }

  private onClose(code: number, reason: string): void {
    this.socket = null;
    this.stopKeepAlive();
    for (const command of this.commands.values()) clearTimeout(command.timer);
    for (const [requestId, waiter] of this.requests) {
      if (waiter.resent) continue;
      this.requests.delete(requestId);
      waiter.reject(new HeartRuleError(ClientErrorCodes.connectionLost, `The connection to ${this.url} was lost (${code}) before the answer came.`, true, requestId));
    }
    if (this.closing) {
      this.setState({ state: "closed", url: this.url, code, reason });
      for (const resolve of this.closeWaiters.splice(0)) resolve();
      return;
    }
    // 4001: the token expired; a token function gives a new one, a fixed token waits for refreshAuth(token).
    if (code === 4001 && typeof this.tokenSource === "function") this.token = undefined;
    this.reconnect(code, reason);
  }

  private reconnect(code: number, reason: string): void {
    this.setState({ state: "reconnecting", url: this.url, code, reason });
    this.urlIndex = (this.urlIndex + 1) % this.urls.length;
    this.reconnectTimer = setTimeout(() => void this.open(), backoffDelay(this.failures++, this.backoff));
  }

  /** Lets go of a socket that no longer answers and reconnects, without waiting for a close that may never come. */
  private abandon(reason: string): void {
    const socket = this.socket;
    if (!socket) return;
    this.onClose(1006, reason);
    socket.close(1000, reason);
  }

  private startKeepAlive(): void {
    this.heard = true;
    this.keepAliveTimer = setInterval(() => {
      if (!this.heard) return this.abandon("no answer to ping");
      this.heard = false;
      this.send({ type: "ping" });
    }, this.keepAliveMs);
  }

  private stopKeepAlive(): void {
    clearInterval(this.keepAliveTimer);
  }

  private onData(data: unknown): void {
    this.heard = true;
    if (typeof data !== "string") return; // every heartrule.v1 frame is a text frame
    let frame: ServerFrame;
    try {
      frame = JSON.parse(data) as ServerFrame;
    } catch {
      this.emit("error", new HeartRuleError("INVALID_FRAME", "The server sent a frame that is not JSON.", false));
      return;
    }
    this.emit("frame", frame);
    switch (frame.type) {
      case "session.started":
        // Followed before the frames after it are read: the first turn's events come next, in the same read.
        this.follow(frame.sessionId, 0, { requestId: this.nextRequestId(), debug: this.requests.get(frame.requestId)?.debug });
        this.settle(frame.requestId, frame);
        break;
      case "session.attached":
        this.settle(frame.requestId, frame);
        break;
      case "message":
        this.deltas.settle(frame.messageId);
        if (this.seq.accept(frame.sessionId, frame.seq)) this.emit("message", frame);
        break;
      case "message.delta": {
        const draft = this.followed.has(frame.sessionId) ? this.deltas.add(frame) : null;
        if (draft) this.emit("draft", draft);
        break;
      }
      case "turn.completed":
        if (!this.seq.accept(frame.sessionId, frame.seq)) break;
        for (const stale of this.deltas.endTurn(frame.sessionId)) this.emit("draft", stale);
        this.emit("turn", frame);
        break;
      case "ack": {
        const command = this.commands.get(frame.clientMessageId);
        if (command) {
          clearTimeout(command.timer);
          this.commands.delete(frame.clientMessageId);
          command.resolve(frame);
        }
        this.emit("ack", frame);
        break;
      }
      case "error":
        this.onError(HeartRuleError.from(frame));
        break;
      case "auth.expiring":
        this.emit("authExpiring", frame);
        if (typeof this.tokenSource === "function") this.refreshAuth().catch((error: HeartRuleError) => this.emit("error", error));
        break;
      case "auth.refreshed":
        if (frame.requestId) this.settle(frame.requestId, frame);
        this.emit("authRefreshed", frame);
        break;
      case "locale.changed":
      case "safety.subscribed":
        if (frame.requestId) this.settle(frame.requestId, frame);
        break;
      case "safety.alert":
        this.emit("safetyAlert", frame);
        break;
    }
  }

  private onError(error: HeartRuleError): void {
    const requestId = error.requestId;
    const command = requestId === undefined ? undefined : this.commands.get(requestId);
    if (command) {
      clearTimeout(command.timer);
      if (error.retryable) {
        // e.g. SERVICE_UNAVAILABLE (the broker is down) or RATE_LIMITED: the same frame again, a little later.
        command.timer = setTimeout(() => this.sendCommand(command), backoffDelay(command.attempts++, this.backoff));
      } else {
        this.commands.delete(requestId!);
        command.reject(error);
      }
      return;
    }
    const waiter = requestId === undefined ? undefined : this.requests.get(requestId);
    if (waiter) {
      this.requests.delete(requestId!);
      if (waiter.sessionId) this.unfollow(waiter.sessionId);
      if (requestId === this.safetyRequestId) this.safetyRequestId = undefined;
      waiter.reject(error);
      return;
    }
    // An attach sent again after a reconnect, refused (e.g. the session was deleted meanwhile): stop following it.
    for (const [sessionId, followed] of this.followed) {
      if (followed.requestId === requestId) this.unfollow(sessionId);
    }
    this.emit("error", error);
  }

  private command(frame: AckedFrame): Promise<AckFrame> {
    if (this.closing) return Promise.reject(closedError());
    if (this.commands.size >= this.maxPendingInputs) {
      return Promise.reject(new HeartRuleError(ClientErrorCodes.tooManyPending, `${this.commands.size} inputs are waiting for their ack: wait for some.`, true));
    }
    // Sent again after every reconnect, a frame the gateway refuses would close each new socket (1009).
    if (encoder.encode(JSON.stringify(frame)).length > MAX_FRAME_BYTES) {
      return Promise.reject(new HeartRuleError(ClientErrorCodes.frameTooLarge, "The text is over the gateway's 1 MiB frame limit: send less.", false));
    }
    return new Promise<AckFrame>((resolve, reject) => {
      const command: Command = { frame, attempts: 0, resolve, reject };
      this.commands.set(frame.clientMessageId, command);
      this.sendCommand(command);
    });
  }

  private sendCommand(command: Command): void {
    clearTimeout(command.timer);
    // Not connected: it goes out when the connection is back.
    if (!this.send(command.frame)) return;
    // No ack and no error in time: the socket is taken for dead, and the reconnect sends the input again.
    command.timer = setTimeout(() => this.abandon("no ack"), this.ackTimeoutMs);
  }

  private request(frame: ClientFrame & { requestId: string }, waiter: Pick<Waiter, "resent" | "sessionId" | "debug">): Promise<ServerFrame> {
    if (this.closing) return Promise.reject(closedError());
    return new Promise<ServerFrame>((resolve, reject) => {
      this.requests.set(frame.requestId, { ...waiter, resolve, reject });
      // One that is sent again on reconnect may wait for it; the others need the connection now.
      if (!this.send(frame) && !waiter.resent) {
        this.requests.delete(frame.requestId);
        reject(new HeartRuleError(ClientErrorCodes.connectionLost, "Not connected: try again once the connection is back.", true, frame.requestId));
      }
    });
  }

  private settle(requestId: string, frame: ServerFrame): void {
    const waiter = this.requests.get(requestId);
    if (!waiter) return;
    this.requests.delete(requestId);
    waiter.resolve(frame);
  }

  private send(frame: ClientFrame): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  }

  private follow(sessionId: string, lastSeq: number, followed: Followed): void {
    this.seq.track(sessionId, lastSeq);
    this.followed.set(sessionId, followed);
  }

  private unfollow(sessionId: string): void {
    this.seq.forget(sessionId);
    this.followed.delete(sessionId);
  }

  private whenOpen(): Promise<void> {
    if (this.closing) return Promise.reject(closedError());
    if (this.socket?.readyState === OPEN && this.current === "open") return Promise.resolve();
    return new Promise((resolve, reject) => this.openWaiters.push({ resolve, reject }));
  }

  private async fetchToken(): Promise<string> {
    return typeof this.tokenSource === "function" ? await this.tokenSource() : this.tokenSource;
  }

  private nextRequestId(): string {
    return `r${++this.requestCount}`;
  }

  private setState(change: StateChange): void {
    this.current = change.state;
    this.emit("state", change);
  }

  private emit<K extends keyof HeartRuleEvents>(event: K, payload: HeartRuleEvents[K]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        (listener as Listener<K>)(payload);
      } catch (error) {
        // A listener's bug must not stop delivery to the others or leave the client half-updated: report it on its own.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}

function closedError(): HeartRuleError {
  return new HeartRuleError(ClientErrorCodes.clientClosed, "The client was closed.", false);
}

function randomId(): string {
  const crypto = globalThis.crypto;
  // randomUUID is only there in secure contexts (HTTPS, localhost); getRandomValues everywhere: a v4 UUID from it.
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
