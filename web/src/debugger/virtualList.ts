/** The rows to draw for a viewport: those it shows, and `overscan` more on each side so that a scroll never shows a gap. */
export function visibleRange(scrollTop: number, viewportHeight: number, rowHeight: number, count: number, overscan = 8): { start: number; end: number } {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const last = Math.ceil((Math.max(0, scrollTop) + viewportHeight) / rowHeight);
  return { start: Math.max(0, first - overscan), end: Math.min(count, last + overscan) };
}

/**
 * A list of fixed-height rows of which only those in view (and a few around) are in the DOM, whatever the length: a
 * session of thousands of turns opens and scrolls as fast as one of ten. A listbox: arrow keys, Page Up/Down, Home
 * and End move the selection, which the page shows (aria-activedescendant points at the selected row).
 */
export class VirtualList<T> {
  private items: readonly T[] = [];
  private readonly rows = new Map<number, HTMLElement>();
  private readonly spacer = document.createElement("div");
  private selected = -1;
  private frame = 0;

  constructor(
    private readonly viewport: HTMLElement,
    private readonly rowHeight: number,
    private readonly render: (item: T, index: number, count: number) => HTMLElement,
    private readonly onSelect: (item: T, index: number) => void,
  ) {
    this.spacer.className = "spacer";
    viewport.append(this.spacer);
    viewport.addEventListener("scroll", () => this.schedule(), { passive: true });
    viewport.addEventListener("keydown", (e) => this.key(e));
    viewport.addEventListener("click", (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>("[data-index]");
      if (row) this.select(Number(row.dataset.index));
    });
    new ResizeObserver(() => this.schedule()).observe(viewport);
  }

  get selectedIndex(): number {
    return this.selected;
  }

  /** New contents (a filter, new turns), and which of them is selected (-1: none): the rows in view are drawn again. */
  setItems(items: readonly T[], selected: number): void {
    this.items = items;
    this.selected = selected;
    this.spacer.style.height = `${items.length * this.rowHeight}px`;
    for (const row of this.rows.values()) row.remove();
    this.rows.clear();
    this.draw();
  }

  /** Selects a row, scrolls it into view and tells the page. */
  select(index: number): void {
    if (index < 0 || index >= this.items.length) return;
    this.selected = index;
    this.reveal(index);
    this.onSelect(this.items[index]!, index);
  }

  /** Scrolls a row into view (the least that shows it whole). */
  reveal(index: number): void {
    const top = index * this.rowHeight;
    if (top < this.viewport.scrollTop) this.viewport.scrollTop = top;
    else if (top + this.rowHeight > this.viewport.scrollTop + this.viewport.clientHeight) this.viewport.scrollTop = top + this.rowHeight - this.viewport.clientHeight;
    this.draw();
  }

  private key(e: KeyboardEvent): void {
    const page = Math.max(1, Math.floor(this.viewport.clientHeight / this.rowHeight) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    let target: number | null = null;
    if (e.key in moves) target = Math.min(this.items.length - 1, Math.max(0, (this.selected < 0 ? 0 : this.selected) + moves[e.key]!));
    else if (e.key === "Home") target = 0;
    else if (e.key === "End") target = this.items.length - 1;
    if (target === null) return;
    e.preventDefault();
    this.select(target);
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  /** Adds the rows that came into view, removes those that left; rows that stay are not touched. */
  private draw(): void {
    const { start, end } = visibleRange(this.viewport.scrollTop, this.viewport.clientHeight, this.rowHeight, this.items.length);
    for (const [index, row] of this.rows) {
      if (index < start || index >= end) {
        row.remove();
        this.rows.delete(index);
      }
    }
    for (let index = start; index < end; index++) {
      let row = this.rows.get(index);
      if (!row) {
        row = this.render(this.items[index]!, index, this.items.length);
        row.dataset.index = String(index);
        row.style.transform = `translateY(${index * this.rowHeight}px)`;
        this.spacer.append(row);
        this.rows.set(index, row);
      }
      row.setAttribute("aria-selected", String(index === this.selected));
    }
    const current = this.rows.get(this.selected);
    if (current) this.viewport.setAttribute("aria-activedescendant", current.id);
    else this.viewport.removeAttribute("aria-activedescendant");
  }
}
