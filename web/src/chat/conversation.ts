import type { Draft, MessageFrame } from "@heartrule/client";
import { el } from "../shared/dom";
import { showTime, t } from "../shared/i18n";

/**
 * The conversation as shown: each message once (the SDK delivers each exactly once, in order), the reply being
 * written as a draft its final message replaces, and a typing indicator while a turn runs.
 */
export class Conversation {
  private readonly drafts = new Map<string, HTMLLIElement>();

  constructor(
    private readonly list: HTMLOListElement,
    private readonly typing: HTMLElement,
  ) {}

  clear(): void {
    this.list.replaceChildren();
    this.drafts.clear();
    this.setTyping(false);
  }

  message(m: MessageFrame): void {
    this.drafts.get(m.messageId)?.remove();
    this.drafts.delete(m.messageId);
    // An empty input is "next": shown as the page's word for it, which follows the page's language.
    const empty = m.role === "user" && m.content === "";
    const li = this.line(empty ? "user empty" : m.role, empty ? { key: "page.emptyInput" } : { text: m.content });
    li.dataset.seq = String(m.seq);
    li.dataset.messageId = m.messageId;
    // The safety net's crisis response: shown prominently (docs/safety.md).
    if (m.metadata?.actionType === "crisis") li.classList.add("crisis");
    const time = el("time");
    showTime(time, m.timestamp);
    li.append(time);
    this.add(li);
  }

  draft(d: Draft): void {
    let li = this.drafts.get(d.messageId);
    if (d.discarded) {
      li?.remove();
      this.drafts.delete(d.messageId);
      return;
    }
    if (!li) {
      li = this.line("assistant streaming", { text: "" });
      this.drafts.set(d.messageId, li);
      this.add(li);
    }
    li.querySelector(".text")!.textContent = d.text;
    this.scroll();
  }

  /** A line the page says itself, named by its key so that it follows the language. */
  notice(role: "system" | "error", key: string): void {
    this.add(this.line(role, { key }));
  }

  error(text: string): void {
    this.add(this.line("error", { text }));
  }

  setTyping(on: boolean): void {
    this.typing.hidden = !on;
  }

  private line(role: string, content: { text: string } | { key: string }): HTMLLIElement {
    const span = el("span", { className: "text" });
    if ("key" in content) {
      span.dataset.i18n = content.key;
      span.textContent = t(content.key);
    } else {
      span.textContent = content.text;
    }
    return el("li", { className: role }, span);
  }

  private add(li: HTMLLIElement): void {
    this.list.append(li);
    this.scroll();
  }

  private scroll(): void {
    this.list.scrollTop = this.list.scrollHeight;
  }
}
