// The HTTP API the studio works on (docs/api.md, "Routes" and "Drafts, publishing and rollback"): each call answers
// what it says, or throws the API's problem (a PageProblem: expired, forbidden, unreachable, not found, or failed).
import { PageProblem, type Auth, type Finding } from "../shared/auth";
import type { Findings } from "./findings";

/** GET /api/scripts: a live script. */
export interface ScriptSummary {
  id: string;
  kind: "session" | "technique";
  name: string | null;
  latestVersion: number;
  publishedVersion: number | null;
  ownerId: string | null;
  /** The reader may change it (an owner, one it is shared with, or an admin): the studio opens the others read-only. */
  mayChange: boolean;
}

/** GET /api/scripts/{id}/versions: one version, newest first. */
export interface VersionSummary {
  version: number;
  author: string | null;
  notes: string | null;
  createdAt: string;
  published: boolean;
  current: boolean;
  errorCount: number;
  warningCount: number | null;
}

/** GET /api/scripts/{id}/versions/{version}. */
export interface ScriptVersion {
  id: string;
  kind: string;
  name: string | null;
  version: number;
  yaml: string;
  published: boolean;
  current: boolean;
}

/** POST /api/scripts, POST /api/scripts/{id}/versions: the version stored and what validation found in it. */
export interface Saved extends Findings {
  id: string;
  name: string | null;
  version: number;
}

export interface DiffLine {
  kind: "kept" | "removed" | "added";
  fromLine: number | null;
  toLine: number | null;
  text: string;
}

/** GET /api/scripts/{id}/diff. */
export interface ScriptDiff {
  from: number;
  to: number;
  added: number;
  removed: number;
  hunks: { fromStart: number; fromCount: number; toStart: number; toCount: number; lines: DiffLine[] }[];
}

/** What validation answers for a text the engine rejects: its findings; a bad request (an empty text) as a finding of its field. */
const findingCodes = new Set(["SCRIPT_PARSE_ERROR", "SCRIPT_VALIDATION_ERROR", "VALIDATION_FAILED"]);

const json = (body: unknown): RequestInit => ({ method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
const script = (id: string) => `/api/scripts/${encodeURIComponent(id)}`;

export class StudioApi {
  constructor(private readonly auth: Auth) {}

  scripts(): Promise<ScriptSummary[]> {
    return this.auth.api("/api/scripts");
  }

  versions(id: string): Promise<VersionSummary[]> {
    return this.auth.api(`${script(id)}/versions`);
  }

  version(id: string, version: number): Promise<ScriptVersion> {
    return this.auth.api(`${script(id)}/versions/${version}`);
  }

  /** The same checks as saving (POST /api/scripts/validate), stored nowhere. */
  async validate(yaml: string, signal: AbortSignal): Promise<Findings> {
    try {
      const valid = await this.auth.api<{ warnings: Finding[] }>("/api/scripts/validate", { ...json({ yaml }), signal });
      return { errors: [], warnings: valid.warnings };
    } catch (error) {
      if (error instanceof PageProblem && findingCodes.has(error.code)) return { errors: error.errors, warnings: error.warnings };
      throw error;
    }
  }

  /** A new script (`id` null: its id comes from the text, which must be valid) or a draft of an existing one, errors and all. */
  save(id: string | null, yaml: string, notes: string): Promise<Saved> {
    return this.auth.api(id ? `${script(id)}/versions` : "/api/scripts", json({ yaml, notes: notes || null }));
  }

  /** Makes a draft current; refused (409) while it has errors, and while it has warnings unless they are accepted. */
  async publish(id: string, version: number, acceptWarnings: boolean): Promise<void> {
    await this.auth.request(`${script(id)}/versions/${version}/publish${acceptWarnings ? "?acceptWarnings=true" : ""}`, { method: "POST" });
  }

  async rollback(id: string, version: number): Promise<void> {
    await this.auth.request(`${script(id)}/rollback`, json({ version }));
  }

  diff(id: string, from: number, to: number): Promise<ScriptDiff> {
    return this.auth.api(`${script(id)}/diff?from=${from}&to=${to}`);
  }
}
