// The exercise editor: CodeMirror 6 with Python and Django-template
// highlighting, bundled by esbuild (frontend/build.py) into
// static/exercises/build/editor.js. Also re-exports fflate's zip writer so the
// learner's files can be downloaded as a project without asking the server.
import { indentWithTab } from "@codemirror/commands";
import { jinja } from "@codemirror/lang-jinja";
import { python } from "@codemirror/lang-python";
import { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { EditorState } from "@codemirror/state";
import { EditorView, keymap } from "@codemirror/view";
import { basicSetup } from "codemirror";
import { strToU8, zipSync } from "fflate";
import { tags } from "@lezer/highlight";

// Colours come from CSS variables (static/exercises/exercise.css), so the
// editor follows the site's light and dark themes with readable contrast.
const highlighting = HighlightStyle.define([
  { tag: [tags.keyword, tags.operatorKeyword, tags.controlKeyword, tags.moduleKeyword], color: "var(--code-keyword)", fontWeight: "bold" },
  { tag: [tags.string, tags.special(tags.string)], color: "var(--code-string)" },
  { tag: [tags.comment, tags.blockComment, tags.lineComment], color: "var(--code-comment)", fontStyle: "italic" },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: "var(--code-number)" },
  { tag: [tags.function(tags.variableName), tags.function(tags.definition(tags.variableName)), tags.definition(tags.className)], color: "var(--code-name)" },
  { tag: [tags.tagName, tags.angleBracket], color: "var(--code-tag)" },
  { tag: [tags.attributeName, tags.propertyName], color: "var(--code-attribute)" },
  { tag: [tags.brace, tags.processingInstruction, tags.meta], color: "var(--code-template)", fontWeight: "bold" },
]);

const theme = EditorView.theme({
  "&": { color: "var(--text)", backgroundColor: "var(--bg)", fontSize: "0.9rem", maxHeight: "28rem" },
  ".cm-scroller": { fontFamily: "var(--mono)", overflow: "auto" },
  ".cm-content": { caretColor: "var(--text)" },
  "&.cm-focused": { outline: "3px solid var(--focus)", outlineOffset: "-3px" },
  "&.cm-focused .cm-cursor": { borderLeftColor: "var(--text)" },
  ".cm-gutters": { backgroundColor: "var(--bg-soft)", color: "var(--text-soft)", borderRight: "1px solid var(--border)" },
  ".cm-activeLine, .cm-activeLineGutter": { backgroundColor: "var(--code-active-line)" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": { backgroundColor: "var(--code-selection)" },
});

function languageFor(language) {
  if (language === "python") return python();
  // Django's template language shares Jinja's {% %} / {{ }} / {# #} syntax,
  // which is what the highlighting needs; HTML inside is highlighted too.
  if (language === "django" || language === "html") return jinja();
  return [];
}

// Typed characters go into the document through CodeMirror, not through the
// browser's own editing: Chromium, inserting text next to a highlighted
// word, tries to keep its look with a style attribute, which the strict CSP
// blocks (and reports in the console at every few keys). The text is the
// same; CodeMirror's input handlers (closing brackets, completion) still
// see it. Composition (accents, CJK input methods) stays with the browser.
const typedText = EditorView.domEventHandlers({
  beforeinput(event, view) {
    if (event.inputType !== "insertText" || !event.data || event.isComposing || view.composing) return false;
    event.preventDefault();
    const { from, to } = view.state.selection.main;
    const text = event.data;
    const insert = () => view.state.update(view.state.replaceSelection(text), { userEvent: "input.type", scrollIntoView: true });
    const handled = view.state.facet(EditorView.inputHandler).some((handler) => handler(view, from, to, text, insert));
    if (!handled) view.dispatch(insert());
    return true;
  },
});

// Tab indents, as in any code editor. Escape then Tab still leaves the
// editor (CodeMirror's own rule), so keyboard users are never trapped.
//
// Each editor lives in its own shadow root: there CodeMirror styles itself
// with constructed style sheets, which the site's strict CSP (no inline
// <style>) allows; in the page itself it would need a <style> element.
export function createEditor(parent, { doc, language, label, readOnly, onChange }) {
  const host = document.createElement("div");
  host.className = "exercise-editor";
  parent.append(host);
  const root = host.attachShadow({ mode: "open" });
  const mount = document.createElement("div");
  root.append(mount);
  const extensions = [
    basicSetup,
    theme,
    syntaxHighlighting(highlighting),
    keymap.of([indentWithTab]),
    typedText,
    languageFor(language),
    EditorView.contentAttributes.of({ "aria-label": label }),
    EditorState.readOnly.of(Boolean(readOnly)),
    // The text always takes focus from the keyboard, read-only files too
    // (CodeMirror makes those not editable, hence not focusable), so every
    // editor's scrolling region can be reached and scrolled without a mouse.
    EditorView.contentAttributes.of({ tabindex: "0" }),
    EditorView.updateListener.of((update) => {
      if (update.docChanged && onChange) onChange(update.state.doc.toString());
    }),
  ];
  return new EditorView({ parent: mount, root, state: EditorState.create({ doc, extensions }) });
}

export function setText(view, text) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

// files: {path: text} -> a zip as a Uint8Array, paths kept as folders.
export function zipFiles(files) {
  const entries = {};
  for (const [path, text] of Object.entries(files)) entries[path] = strToU8(text);
  return zipSync(entries, { level: 6 });
}
