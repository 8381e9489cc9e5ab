// The playground's editor: CodeMirror 6 with the gasm grammar, and a mark on
// the lines the compiler reported.
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching, indentUnit } from '@codemirror/language';
import { EditorState, StateEffect, StateField, type Extension } from '@codemirror/state';
import { Decoration, EditorView, drawSelection, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers, type DecorationSet } from '@codemirror/view';
import { gasmHighlight, gasmLanguage } from './gasm-lang.js';

const setErrors = StateEffect.define<number[]>();
const errorLines = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(deco, tr) {
    deco = deco.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setErrors)) continue;
      const lines = [...new Set(e.value)].filter((l) => l >= 1 && l <= tr.state.doc.lines).sort((a, b) => a - b);
      deco = Decoration.set(lines.map((l) => Decoration.line({ class: 'cm-error-line' }).range(tr.state.doc.line(l).from)));
    }
    return deco;
  },
  provide: (f) => EditorView.decorations.from(f),
});

export interface Editor {
  view: EditorView;
  text(): string;
  setText(s: string): void;
  markErrors(lines: number[]): void;
  goTo(line: number, col: number): void;
}

export function createEditor(parent: HTMLElement, doc: string, onChange: () => void): Editor {
  const extensions: Extension[] = [
    lineNumbers(), highlightActiveLineGutter(), history(), drawSelection(), bracketMatching(), highlightActiveLine(),
    indentUnit.of('    '), EditorState.tabSize.of(8),
    keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
    gasmLanguage, gasmHighlight, errorLines, EditorView.lineWrapping,
    EditorView.updateListener.of((u) => { if (u.docChanged) onChange(); }),
    EditorView.contentAttributes.of({ 'aria-label': 'gasm source' }),
  ];
  const view = new EditorView({ parent, state: EditorState.create({ doc, extensions }) });
  return {
    view,
    text: () => view.state.doc.toString(),
    setText: (s) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: s }, effects: setErrors.of([]) }),
    markErrors: (lines) => view.dispatch({ effects: setErrors.of(lines) }),
    goTo(line, col) {
      const l = view.state.doc.line(Math.min(Math.max(1, line), view.state.doc.lines));
      const pos = Math.min(l.from + col - 1, l.to);
      view.dispatch({ selection: { anchor: pos }, effects: EditorView.scrollIntoView(pos, { y: 'center' }) });
      view.focus();
    },
  };
}
