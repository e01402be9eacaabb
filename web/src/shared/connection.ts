import { HeartRuleClient } from "@heartrule/client";
import { PageProblem, type Auth } from "./auth";
import { locale } from "./i18n";

/**
 * The connection as a person should read it: connected; reconnecting (it resolves by itself); the server cannot be
 * reached (still retrying); the sign-in expired (nothing more is tried until they sign in again).
 */
export type LinkState = "connecting" | "connected" | "reconnecting" | "unreachable" | "expired" | "closed";

export interface Link {
  client: HeartRuleClient;
  /** Closes the socket for good (a sign-out, another user signing in). */
  close(): Promise<void>;
}

/** Failed attempts in a row before the page looks into why: a single drop is only "reconnecting". */
const probeAfter = 2;

/**
 * Opens the page's socket through the client SDK (reconnects, resume from the last seq, inputs sent again until acked,
 * exactly-once delivery), with the signed-in user's token, renewed when the gateway says it expires. When reconnecting
 * keeps failing, the API tells the page why: no answer at all (unreachable), or the token was refused — then a new one
 * is asked for, and if the sign-in itself is refused, the sign-in has expired.
 */
export function openLink(auth: Auth, report: (state: LinkState, code?: number) => void): Link {
  const url = new URL("/ws", location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  let first: string | null = auth.token;
  let expired = false;
  let failures = 0;
  // Seen unreachable: said until the connection is back, rather than flicker with each attempt.
  let down = false;

  const expire = () => {
    if (expired) return;
    expired = true;
    report("expired");
    void client.close();
  };

  const client: HeartRuleClient = new HeartRuleClient({
    urls: url.toString(),
    locale: locale(),
    // The sign-in's token first; a new one whenever the SDK asks again (the old one expires, or expired).
    token: async () => {
      const token = first;
      first = null;
      try {
        return token ?? (await auth.renew());
      } catch (error) {
        if (error instanceof PageProblem && error.kind === "expired") expire();
        throw error;
      }
    },
  });

  const probe = async () => {
    try {
      const response = await fetch("/api/sessions?pageSize=1", { headers: { Authorization: `Bearer ${auth.token}` } });
      // The socket's token was refused at the handshake (the browser only sees the socket close): the next attempt takes a new one.
      if (response.status === 401) void client.refreshAuth(await auth.renew()).catch(() => undefined);
    } catch (error) {
      if (error instanceof PageProblem) {
        if (error.kind === "expired") expire();
      } else if (!expired && client.state !== "open") {
        down = true;
        report("unreachable");
      }
    }
  };

  client.on("state", (change) => {
    if (expired) return;
    switch (change.state) {
      case "open":
        failures = 0;
        down = false;
        report("connected");
        break;
      case "reconnecting":
        if (!down) report("reconnecting", change.code);
        if (++failures >= probeAfter) void probe();
        break;
      case "closed":
        report("closed", change.code);
        break;
      case "connecting":
        if (failures === 0) report("connecting");
        break;
    }
  });
  void client.connect().catch(() => undefined);
  return { client, close: () => client.close() };
}
