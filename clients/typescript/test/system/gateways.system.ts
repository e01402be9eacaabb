import { writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { HeartRuleClient, type HeartRuleEvents, type MessageFrame, type StateChange, type TurnCompletedFrame } from "../../src/index.js";

// Run by tests/HeartRule.IntegrationTests/TypeScriptSdkTests.cs with the whole system up: two gateway nodes, the
// intake script, an offline model that takes a moment. It reads what these conversations wrote (HEARTRULE_RESULTS)
// and checks it against the stored transcripts.

function setting(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this through TypeScriptSdkTests (dotnet test --filter TypeScriptSdkTests).`);
  return value;
}

const gateways = [setting("HEARTRULE_GATEWAY_0"), setting("HEARTRULE_GATEWAY_1")];
const token = setting("HEARTRULE_TOKEN");
const results: Record<string, unknown> = {};

afterAll(() => writeFileSync(setting("HEARTRULE_RESULTS"), JSON.stringify(results)));

/** A client whose sockets the test can cut, as a network would. */
function connectable() {
  const sockets: WebSocket[] = [];
  class Tracked extends WebSocket {
    constructor(url: string, protocol: string) {
      super(url, protocol);
      sockets.push(this);
    }
  }
  // The gateways under test close sockets silent for 8 s.
  const client = new HeartRuleClient({ urls: gateways, token: () => token, WebSocket: Tracked, keepAliveMs: 2_000 });
  const events: (MessageFrame | TurnCompletedFrame)[] = [];
  const states: StateChange[] = [];
  const errors: string[] = [];
  client.on("message", (m) => events.push(m));
  client.on("turn", (t) => events.push(t));
  client.on("state", (s) => states.push(s));
  client.on("error", (e) => errors.push(`${e.code}: ${e.message}`));
  return { client, events, states, errors, drop: () => sockets.at(-1)!.terminate() };
}

function next<K extends keyof HeartRuleEvents>(client: HeartRuleClient, event: K, match: (e: HeartRuleEvents[K]) => boolean): Promise<HeartRuleEvents[K]> {
  return new Promise((resolve) => {
    const stop = client.on(event, (e) => {
      if (match(e)) {
        stop();
        resolve(e);
      }
    });
  });
}

const turnAt = (seq: number) => (t: TurnCompletedFrame) => t.seq === seq;
const summary = (events: (MessageFrame | TurnCompletedFrame)[]) =>
  events.map((e) => (e.type === "message" ? { seq: e.seq, type: e.type, messageId: e.messageId, role: e.role, content: e.content } : { seq: e.seq, type: e.type, status: e.executionStatus }));

async function startIntake(client: HeartRuleClient): Promise<string> {
  const firstTurn = next(client, "turn", turnAt(3));
  const sessionId = await client.start({ scriptId: "intake" });
  await firstTurn;
  return sessionId;
}

describe("the TypeScript client against two gateway nodes", () => {
  it("resumes on the other node after its socket drops mid-turn: every message once, in order", async () => {
    const { client, events, states, errors, drop } = connectable();
    try {
      await client.connect();
      expect((await client.refreshAuth()).expiresAt).toMatch(/^\d{4}-/);
      const sessionId = await startIntake(client);

      // Cut the socket once the input's echo is in and the model is still writing the reply.
      const resumed = next(client, "state", (s) => s.state === "open");
      client.on("message", (m) => m.seq === 4 && drop());
      const secondTurn = next(client, "turn", turnAt(6));
      await client.input(sessionId, "Alex");
      expect((await resumed).url).toBe(gateways[1]);
      await secondTurn;
      const last = next(client, "turn", turnAt(9));
      await client.input(sessionId, "trouble sleeping");
      expect((await last).executionStatus).toBe("completed");

      expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(events.filter((e): e is MessageFrame => e.type === "message" && e.role === "user").map((m) => m.content)).toEqual(["Alex", "trouble sleeping"]);
      expect(states.find((s) => s.state === "reconnecting")).toMatchObject({ url: gateways[0], code: 1006 });
      expect(errors).toEqual([]);
      results.drop = { sessionId, resumedOn: (await resumed).url, events: summary(events) };
    } finally {
      await client.close();
    }
  });

  it("delivers an input made while disconnected once, after the reconnect", async () => {
    const { client, events, errors, drop } = connectable();
    try {
      await client.connect();
      const sessionId = await startIntake(client);

      let acked: Promise<unknown> | undefined;
      client.on("state", (s) => {
        if (s.state === "reconnecting") acked ??= client.input(sessionId, "Alex");
      });
      const answered = next(client, "turn", turnAt(6));
      drop();
      await answered;
      await acked;

      expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(events.filter((e): e is MessageFrame => e.type === "message" && e.role === "user").map((m) => m.content)).toEqual(["Alex"]);
      expect(errors).toEqual([]);
      results.offline = { sessionId, text: "Alex", events: summary(events) };
    } finally {
      await client.close();
    }
  });
});
