import { locale, t } from "./i18n";

/** Who is signed in: the token's user and roles (Development sign-in: picked on the page). */
export interface Identity {
  userId: string;
  roles: string[];
}

/** Authors and admins write scripts and debug them: the studio and the debugger are theirs. */
export const isAuthor = (identity: Identity | null | undefined): boolean => !!identity?.roles.some((r) => r === "author" || r === "admin");

/**
 * What went wrong, in the terms a person can act on: their sign-in expired (sign in again), they may not see this
 * (forbidden), the server cannot be reached (it is retried), there is no such thing, or anything else.
 */
export type ProblemKind = "expired" | "forbidden" | "unreachable" | "notFound" | "failed";

/** One thing a problem lists (docs/api.md, "Errors"): a field's, or a script's finding at its line and column. */
export interface Finding {
  path: string;
  line: number | null;
  column: number | null;
  kind: string;
  message: string;
  expected: string | null;
  actual: string | null;
  suggestion: string | null;
}

export class PageProblem extends Error {
  constructor(
    readonly kind: ProblemKind,
    /** The server's error code (docs/api.md, docs/protocol.md) when it gave one. */
    readonly code: string,
    message: string,
    /** What the problem lists: a script's errors and warnings, a bad field. */
    readonly errors: readonly Finding[] = [],
    readonly warnings: readonly Finding[] = [],
  ) {
    super(message);
    this.name = "PageProblem";
  }
}

/** The problem an HTTP answer stands for: its status decides the kind; its RFC 7807 body gives the code, words and findings. */
export async function problemOf(response: Response): Promise<PageProblem> {
  let body: { code?: string; detail?: string; title?: string; errors?: Finding[] | null; warnings?: Finding[] | null } = {};
  try {
    body = (await response.json()) as typeof body;
  } catch {
    // Not a problem document (a proxy's page): the status says enough.
  }
  const kind: ProblemKind =
    response.status === 401 ? "expired" : response.status === 403 ? "forbidden" : response.status === 404 ? "notFound" : response.status >= 502 ? "unreachable" : "failed";
  return new PageProblem(kind, body.code ?? `HTTP_${response.status}`, body.detail ?? body.title ?? response.statusText, body.errors ?? [], body.warnings ?? []);
}

export function unreachable(): PageProblem {
  return new PageProblem("unreachable", "UNREACHABLE", t("page.problem.unreachable"));
}

const storageKey = "heartrule.signin";

/**
 * The Development sign-in (`POST /auth/dev-token`) and the token it gives: the same token reaches the API (as a
 * bearer header) and the WebSocket. Who signed in is remembered (not the token), so another page or tab of the same
 * browser signs in as the same person.
 */
export class Auth {
  identity: Identity | null = null;
  token: string | null = null;

  /** Who signed in last in this browser, if anyone. */
  static remembered(): Identity | null {
    try {
      const saved = JSON.parse(localStorage.getItem(storageKey) ?? "null") as Identity | null;
      return saved && typeof saved.userId === "string" && Array.isArray(saved.roles) ? saved : null;
    } catch {
      return null;
    }
  }

  /** Signs in: a token for this user and these roles, or a problem (the sign-in was refused, or the server is unreachable). */
  async signIn(identity: Identity): Promise<void> {
    this.identity = identity;
    this.token = null;
    this.token = await this.requestToken();
    localStorage.setItem(storageKey, JSON.stringify(identity));
  }

  /** A new token for the signed-in user: when the socket's is about to expire, or an API call found it expired. */
  async renew(): Promise<string> {
    this.token = await this.requestToken();
    return this.token;
  }

  /** An API call as the signed-in user, its JSON answer. */
  async api<T>(path: string, init: RequestInit = {}): Promise<T> {
    const response = await this.request(path, init);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }

  /** An API call as the signed-in user: a successful answer, or its problem. An expired token is renewed once. */
  async request(path: string, init: RequestInit = {}): Promise<Response> {
    let response = await this.send(path, init);
    if (response.status === 401) {
      await this.renew();
      response = await this.send(path, init);
    }
    if (!response.ok) throw await problemOf(response);
    return response;
  }

  private async send(path: string, init: RequestInit): Promise<Response> {
    try {
      // The API words its answers (problems, a script's findings) in the page's language, which the reader may have picked.
      return await fetch(path, { ...init, headers: { "Accept-Language": locale(), ...init.headers, Authorization: `Bearer ${this.token}` } });
    } catch (error) {
      // Called off by the page: not a problem of the server's.
      if (init.signal?.aborted) throw error;
      throw unreachable();
    }
  }

  private async requestToken(): Promise<string> {
    if (!this.identity) throw new PageProblem("expired", "UNAUTHORIZED", t("page.problem.expired"));
    let response: Response;
    try {
      response = await fetch("/auth/dev-token", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(this.identity),
      });
    } catch {
      throw unreachable();
    }
    if (!response.ok) {
      const problem = await problemOf(response);
      // Refused (not unavailable): whoever signed in may no longer; the page asks them to sign in again.
      throw problem.kind === "unreachable" ? problem : new PageProblem("expired", problem.code, t("page.problem.expired"));
    }
    return ((await response.json()) as { accessToken: string }).accessToken;
  }
}

/** A refusal over the socket (a HeartRuleError's code, docs/protocol.md), as a problem to show. */
export function problemFromCode(code: string, message: string): PageProblem {
  const kind: ProblemKind =
    code === "FORBIDDEN"
      ? "forbidden"
      : code === "UNAUTHORIZED"
        ? "expired"
        : code === "SESSION_NOT_FOUND" || code === "SCRIPT_NOT_FOUND"
          ? "notFound"
          : code === "SERVICE_UNAVAILABLE"
            ? "unreachable"
            : "failed";
  return new PageProblem(kind, code, message);
}
