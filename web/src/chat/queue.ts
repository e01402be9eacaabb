import type { RiskLevel } from "@heartrule/client";
import { PageProblem, type Auth } from "../shared/auth";
import { byId, el } from "../shared/dom";
import { shortTime, t } from "../shared/i18n";

/** A flagged session in the counsellor's queue: from GET /api/safety/flags, or a live safety.alert. */
export interface Flag {
  sessionId: string;
  seq: number;
  riskLevel: RiskLevel;
  reason?: string | null;
  flaggedAt: string;
}

const severity: Record<string, number> = { imminent: 2, high: 1 };

/**
 * The counsellor's queue (docs/safety.md): what is open now (HTTP), then every alert as it comes (safety.subscribe
 * on the socket); most severe first, then the longest waiting. Each can be watched, or resolved.
 */
export class Queue {
  private readonly flags = new Map<string, Flag>();

  constructor(
    private readonly auth: Auth,
    private readonly watch: (sessionId: string) => void,
    private readonly failed: (error: unknown) => void,
  ) {}

  async load(): Promise<void> {
    const page = await this.auth.api<{ items: Flag[] }>("/api/safety/flags?pageSize=100");
    for (const flag of page.items) this.flags.set(`${flag.sessionId}/${flag.seq}`, flag);
    this.show();
  }

  add(flag: Flag): void {
    this.flags.set(`${flag.sessionId}/${flag.seq}`, flag);
    this.show();
  }

  show(): void {
    const flags = [...this.flags.values()].sort(
      (a, b) => (severity[b.riskLevel] ?? 0) - (severity[a.riskLevel] ?? 0) || Date.parse(a.flaggedAt) - Date.parse(b.flaggedAt),
    );
    byId("queueEmpty").hidden = flags.length > 0;
    byId("queue").replaceChildren(...flags.map((flag) => this.item(flag)));
  }

  private item(flag: Flag): HTMLLIElement {
    const watch = el("button", { type: "button", className: "watch" }, t("page.watch"));
    watch.addEventListener("click", () => this.watch(flag.sessionId));
    const resolve = el("button", { type: "button", className: "resolve" }, t("page.resolve"));
    resolve.addEventListener("click", () => void this.resolve(flag));
    const text = t("page.flag", { level: t(`page.risk.${flag.riskLevel}`), time: shortTime(flag.flaggedAt), reason: flag.reason ?? "" });
    return el("li", { className: `flag ${flag.riskLevel}`, dataset: { session: flag.sessionId } }, el("span", { className: "text" }, text), watch, resolve);
  }

  private async resolve(flag: Flag): Promise<void> {
    try {
      await this.auth.api(`/api/safety/flags/${flag.sessionId}/${flag.seq}/resolve`, { method: "POST" });
    } catch (error) {
      // Someone else resolved it first: it is gone all the same.
      if (!(error instanceof PageProblem && error.kind === "notFound")) return this.failed(error);
    }
    this.flags.delete(`${flag.sessionId}/${flag.seq}`);
    this.show();
  }
}
