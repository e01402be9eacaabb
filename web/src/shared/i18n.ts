// The pages' words come from the gateway (/i18n: the same catalogues as the services' messages), in the browser's
// language unless a person picks another; times and numbers are written the way that language writes them.

export interface PageLanguage {
  locale: string;
  name: string;
}

export interface PageTexts {
  locale: string;
  languages: PageLanguage[];
  texts: Record<string, string>;
}

type Args = Record<string, string | number | null | undefined>;

const current: PageTexts = { locale: "en", languages: [], texts: {} };
const listeners = new Set<() => void>();
const storageKey = "heartrule.locale";

/** "{name}" takes an argument, "{{" and "}}" are braces: the catalogues' own rule. A missing text reads as its key. */
export function format(template: string, args: Args = {}): string {
  return template.replace(/\{\{|\}\}|\{([A-Za-z0-9_]+)\}/g, (match, name: string | undefined) =>
    match === "{{" ? "{" : match === "}}" ? "}" : name !== undefined && name in args ? String(args[name] ?? "") : match);
}

export function t(key: string, args: Args = {}): string {
  return format(current.texts[key] ?? key, args);
}

export const locale = (): string => current.locale;

export const formatNumber = (n: number | null | undefined): string => (n == null ? "?" : new Intl.NumberFormat(current.locale).format(n));
export const shortTime = (iso: string): string => new Intl.DateTimeFormat(current.locale, { timeStyle: "short" }).format(new Date(iso));
export const fullTime = (iso: string): string =>
  new Intl.DateTimeFormat(current.locale, { dateStyle: "medium", timeStyle: "medium" }).format(new Date(iso));

/** A <time> showing a moment the short way, with the full date in its title. */
export function showTime(el: HTMLTimeElement, iso: string): void {
  el.dateTime = iso;
  el.textContent = shortTime(iso);
  el.title = fullTime(iso);
}

/** Called after each language change: for what a page draws itself (lists, headings with arguments). */
export function onLanguageChange(listener: () => void): void {
  listeners.add(listener);
}

/**
 * Loads the texts of a language (the one picked before, else the browser's) and writes every word on the page in
 * it: elements with data-i18n (text), data-i18n-placeholder, data-i18n-title and data-i18n-label (aria-label).
 */
export async function loadLanguage(wanted: string | null = localStorage.getItem(storageKey)): Promise<void> {
  let response: Response;
  try {
    response = await fetch(wanted ? `/i18n/${encodeURIComponent(wanted)}` : "/i18n");
  } catch {
    return; // The server is unreachable: the page says so through its connection state; keep what is shown.
  }
  if (!response.ok) return wanted ? loadLanguage(null) : undefined;
  Object.assign(current, (await response.json()) as PageTexts);
  document.documentElement.lang = current.locale;
  for (const el of document.querySelectorAll<HTMLElement>("[data-i18n]")) el.textContent = t(el.dataset.i18n!);
  for (const el of document.querySelectorAll<HTMLInputElement>("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder!);
  for (const el of document.querySelectorAll<HTMLElement>("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle!);
  for (const el of document.querySelectorAll<HTMLElement>("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel!));
  for (const el of document.querySelectorAll<HTMLTimeElement>("time[datetime]")) showTime(el, el.dateTime);
  const picker = document.getElementById("language") as HTMLSelectElement | null;
  picker?.replaceChildren(...current.languages.map((l) => new Option(l.name, l.locale, false, l.locale === current.locale)));
  for (const listener of listeners) listener();
}

/** A person picked a language: kept for their next visit. */
export async function chooseLanguage(wanted: string): Promise<void> {
  localStorage.setItem(storageKey, wanted);
  await loadLanguage(wanted);
}
