import { Auth, PageProblem, unreachable, type Identity } from "./auth";
import type { LinkState } from "./connection";
import { byId, el } from "./dom";
import { chooseLanguage, loadLanguage, onLanguageChange, t } from "./i18n";

const linkTexts: Record<LinkState, string> = {
  connecting: "page.connecting",
  connected: "page.connected",
  reconnecting: "page.reconnecting",
  unreachable: "page.unreachable",
  expired: "page.expired",
  closed: "page.signedOut",
};

/**
 * What every page has: its words in the reader's language, the sign-in form, the connection's state in the header,
 * and one place where problems are said (role="alert"), so that nothing fails silently.
 */
export class Shell {
  readonly auth = new Auth();
  private status: [string, Record<string, string | number>] = ["page.signedOut", {}];
  private shown: PageProblem | null = null;

  constructor(private readonly signedIn: (identity: Identity) => Promise<void>) {
    onLanguageChange(() => {
      this.setStatus(...this.status);
      this.problem(this.shown);
    });
    byId<HTMLSelectElement>("language").addEventListener("change", (e) => void chooseLanguage((e.target as HTMLSelectElement).value));
    byId<HTMLFormElement>("signinForm").addEventListener("submit", (e) => {
      e.preventDefault();
      void this.signIn({ userId: byId<HTMLInputElement>("user").value.trim(), roles: [byId<HTMLSelectElement>("role").value] });
    });
  }

  /** Loads the page's words, then signs in again as whoever signed in last in this browser, if anyone. */
  async start(): Promise<void> {
    await loadLanguage();
    const remembered = Auth.remembered();
    if (!remembered) return;
    byId<HTMLInputElement>("user").value = remembered.userId;
    if (remembered.roles[0]) byId<HTMLSelectElement>("role").value = remembered.roles[0];
    await this.signIn(remembered);
  }

  private async signIn(identity: Identity): Promise<void> {
    this.problem(null);
    try {
      await this.auth.signIn(identity);
    } catch (error) {
      if (!(error instanceof PageProblem)) throw error;
      if (error.kind === "unreachable") this.problem(error);
      this.setStatus("page.signInFailed", { status: error.code });
      return;
    }
    this.setStatus("page.signedInAs", { user: identity.userId });
    try {
      await this.signedIn(identity);
    } catch (error) {
      if (!(error instanceof PageProblem)) throw error;
      this.problem(error);
    }
  }

  setStatus(key: string, args: Record<string, string | number> = {}): void {
    this.status = [key, args];
    byId("status").textContent = t(key, args);
  }

  /** The connection's state, in the header; an expired sign-in is also a problem to act on. */
  link(state: LinkState, code?: number): void {
    byId("status").dataset.state = state;
    this.setStatus(linkTexts[state], { code: code ?? "" });
    if (state === "expired") this.problem(new PageProblem("expired", "UNAUTHORIZED", t("page.problem.expired")));
    else if (state === "unreachable") this.problem(unreachable());
    else if (state === "connected" && this.shown?.kind === "unreachable") this.problem(null);
  }

  /** Says what went wrong and what to do (or clears it): its code, its words, and the kind's advice. */
  problem(problem: PageProblem | null): void {
    this.shown = problem;
    const box = byId("problem");
    box.hidden = !problem;
    if (!problem) return box.replaceChildren();
    box.dataset.kind = problem.kind;
    box.replaceChildren(el("strong", {}, problem.code), " ", problem.message, " ", el("span", { className: "advice" }, t(`page.advice.${problem.kind}`)));
    if (problem.kind === "expired") byId("user").focus();
  }
}
