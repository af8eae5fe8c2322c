// Keyboard shortcuts, listed in the "?" dialog (templates/base.html). None
// fires while the reader types: not in a field, not in a contenteditable
// editor (CodeMirror's is one), not with a modifier held.
import { toggleTheme } from "./theme-toggle.js";

function focusSearch() {
  const box = document.querySelector("[data-search-box]");
  if (box) {
    box.focus();
    box.select();
  }
}

function typing(target) {
  if (!(target instanceof Element)) {
    return false;
  }
  return Boolean(
    target.closest("input, textarea, select, [contenteditable]:not([contenteditable='false'])") ||
      target.isContentEditable
  );
}

function follow(rel) {
  const link = document.querySelector(`a[rel~="${rel}"][href]`);
  if (link) {
    link.click();
  }
}

export function setUpShortcuts() {
  // The presenter's pages have their own keys (present.js).
  if (document.querySelector("[data-deck]")) {
    return;
  }
  const dialog = document.querySelector("[data-shortcuts]");
  const opener = document.querySelector("[data-shortcuts-open]");
  const openList = () => {
    if (dialog && !dialog.open) {
      dialog.showModal();
    }
  };
  if (opener && dialog) {
    opener.hidden = false;
    opener.addEventListener("click", openList);
  }
  const keys = {
    "/": focusSearch,
    s: focusSearch,
    n: () => follow("next"),
    p: () => follow("prev"),
    t: toggleTheme,
    "?": openList,
  };
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    // A key typed inside a shadow root (the exercise editors) reaches this
    // listener retargeted to the shadow host; the path's first entry is
    // the element that really has the focus.
    if (typing(event.composedPath()[0]) || (dialog && dialog.open)) {
      return;
    }
    const action = keys[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });
}
