import type { Auth } from "../shared/auth";
import { byId, el } from "../shared/dom";
import { showTime, t } from "../shared/i18n";
import type { SessionSummary } from "../shared/sessions";

/** How many of my latest sessions the list shows (the API's largest page). */
const listed = 100;

/** My earlier sessions, newest first: each can be continued (or re-read, once complete), and, for authors, debugged. */
export class EarlierSessions {
  private items: SessionSummary[] = [];
  private loading: Promise<void> | null = null;

  constructor(
    private readonly auth: Auth,
    private readonly open: (session: SessionSummary) => void,
    private readonly debuggable: () => boolean,
  ) {}

  /** Reads the list again; asked again while a read runs, it waits for that one. */
  load(): Promise<void> {
    this.loading ??= this.auth
      .api<{ items: SessionSummary[] }>(`/api/sessions?pageSize=${listed}`)
      .then((page) => {
        this.items = page.items;
        this.show();
      })
      .finally(() => (this.loading = null));
    return this.loading;
  }

  has(sessionId: string): boolean {
    return this.items.some((s) => s.id === sessionId);
  }

  /** A listed session ended: said at once (it is stored a moment after its last turn is delivered). */
  completed(sessionId: string): void {
    this.items = this.items.map((s) => (s.id === sessionId ? { ...s, status: "completed" } : s));
    this.show();
  }

  show(): void {
    byId("sessionsPanel").hidden = false;
    byId("sessionsEmpty").hidden = this.items.length > 0;
    byId("sessions").replaceChildren(...this.items.map((s) => this.item(s)));
  }

  private item(session: SessionSummary): HTMLLIElement {
    const time = el("time");
    showTime(time, session.updatedAt);
    const label = t("page.sessionItem", {
      script: session.scriptName ?? session.scriptId,
      version: session.scriptVersion,
      status: t(`page.sessionStatus.${session.status}`),
    });
    const done = session.status !== "active";
    const open = el("button", { type: "button", className: "continue" }, t(done ? "page.reread" : "page.continue"));
    open.setAttribute("aria-label", `${t(done ? "page.reread" : "page.continue")}: ${label}`);
    open.addEventListener("click", () => this.open(session));
    const li = el("li", { dataset: { session: session.id, status: session.status } }, el("span", { className: "text" }, label), " ", time, " ", open);
    if (this.debuggable()) {
      li.append(" ", el("a", { className: "debug", href: `/debugger.html?session=${encodeURIComponent(session.id)}` }, t("page.debugger.open")));
    }
    return li;
  }
}
