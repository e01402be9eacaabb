// The script's text in CodeMirror 6: YAML highlighted, and what the API's validation finds marked at its line and
// column (underline, gutter, tooltip), a deprecated field's rename offered as an action. Tab is left to move the focus
// (CodeMirror's default): the editor is a stop on the page's keyboard path, not a trap. A script the reader may not
// change is shown read-only: it can still be read, searched and copied, and its findings are still marked.
import { yaml } from "@codemirror/lang-yaml";
import { forceLinting, forEachDiagnostic, linter, lintGutter, type Diagnostic } from "@codemirror/lint";
import { EditorState, StateEffect, type Text } from "@codemirror/state";
import { EditorView, basicSetup } from "codemirror";
import type { Finding } from "../shared/auth";
import { t } from "../shared/i18n";
import { markIn, ordered, renameOf, type Findings } from "./findings";

export interface EditorOptions {
  /** The id of the element that names the editor, for assistive technology. */
  labelledBy: string;
  /** The API's findings for this text, or null when it could not say (the page says why). Called after each pause in typing. */
  validate: (text: string, signal: AbortSignal) => Promise<Findings | null>;
  /** The findings now marked on the text (null: not known), after each validation whose text is still the editor's. */
  checked: (findings: Findings | null) => void;
  /** The text changed: what was checked may no longer hold. */
  changed: () => void;
}

/** How long typing pauses before the text is validated again. */
const pause = 500;
/** Asks for the text to be validated again though it did not change. */
const revalidation = StateEffect.define<null>();

export class ScriptEditor {
  private readonly view: EditorView;
  private running: AbortController | null = null;
  /** The mark each finding of the last validation made: where it is now, however the text moved since. */
  private marks = new Map<Finding, Diagnostic>();
  private readOnly = false;

  constructor(parent: HTMLElement, private readonly options: EditorOptions) {
    this.view = new EditorView({ parent, state: this.stateOf("") });
  }

  /** Whether a finding's one-click fix may change the text. */
  get mayFix(): boolean {
    return !this.readOnly;
  }

  get text(): string {
    return this.view.state.doc.toString();
  }

  /** Shows another text, with its own undo history (none when it is read-only); it is validated at once. */
  load(text: string, readOnly = false): void {
    this.marks.clear();
    this.readOnly = readOnly;
    this.view.setState(this.stateOf(text));
    forceLinting(this.view);
  }

  /** Validates the text again now (its findings are worded in the page's language). */
  revalidate(): void {
    this.view.dispatch({ effects: revalidation.of(null) });
    forceLinting(this.view);
  }

  focus(): void {
    this.view.focus();
  }

  /** Puts the cursor on a finding's mark and the focus in the editor. */
  reveal(finding: Finding): void {
    const at = this.placeOf(finding);
    if (!at) return;
    this.view.dispatch({ selection: { anchor: at.from, head: at.to }, scrollIntoView: true });
    this.view.focus();
  }

  /** Renames a deprecated field as its finding says (its one-click fix); false when the field is no longer there. */
  fix(finding: Finding): boolean {
    const rename = this.readOnly ? null : renameOf(finding);
    const at = this.placeOf(finding);
    if (!rename || !at || this.view.state.sliceDoc(at.from, at.to) !== finding.actual) return false;
    this.view.dispatch({ changes: { from: at.from, to: at.to, insert: rename }, selection: { anchor: at.from + rename.length } });
    return true;
  }

  private placeOf(finding: Finding): { from: number; to: number } | null {
    const mark = this.marks.get(finding);
    let place: { from: number; to: number } | null = null;
    forEachDiagnostic(this.view.state, (d, from, to) => {
      if (d === mark) place = { from, to };
    });
    return place;
  }

  private stateOf(text: string): EditorState {
    return EditorState.create({
      doc: text,
      extensions: [
        basicSetup,
        yaml(),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ "aria-labelledby": this.options.labelledBy, "aria-readonly": String(this.readOnly) }),
        EditorState.readOnly.of(this.readOnly),
        lintGutter(),
        linter((view) => this.lint(view), { delay: pause, needsRefresh: (update) => update.transactions.some((tr) => tr.effects.some((e) => e.is(revalidation))) }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) this.options.changed();
        }),
      ],
    });
  }

  private async lint(view: EditorView): Promise<readonly Diagnostic[]> {
    const doc = view.state.doc;
    this.running?.abort();
    const running = (this.running = new AbortController());
    const found = await this.options.validate(doc.toString(), running.signal);
    // Typed on since: this answer is for an older text, and another validation follows.
    if (running.signal.aborted || view.state.doc !== doc) return [];
    this.marks = new Map(ordered(found ?? { errors: [], warnings: [] }).flatMap(({ finding, severity }) => {
      const mark = diagnosticOf(doc, finding, severity, this);
      return mark ? [[finding, mark] as const] : [];
    }));
    this.options.checked(found);
    return [...this.marks.values()];
  }
}

function diagnosticOf(doc: Text, finding: Finding, severity: "error" | "warning", editor: ScriptEditor): Diagnostic | null {
  if (finding.line == null || finding.line < 1) return null;
  const line = doc.line(Math.min(finding.line, doc.lines));
  const [start, end] = markIn(line.text, finding.column ?? 1, finding.actual);
  const rename = editor.mayFix ? renameOf(finding) : null;
  return {
    from: line.from + start,
    to: line.from + end,
    severity,
    source: finding.path,
    message: finding.suggestion ? `${finding.message}\n${finding.suggestion}` : finding.message,
    actions: rename ? [{ name: t("page.studio.rename", { field: rename }), apply: () => void editor.fix(finding) }] : [],
  };
}
