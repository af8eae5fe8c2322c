// What the presenter deck (present.js) and the speaker view (speaker.js)
// share: the query helpers and the key map, so a key moves the slides the
// same way in both windows.

export function $(selector, root) {
  return (root || document).querySelector(selector);
}

export function $all(selector, root) {
  return Array.from((root || document).querySelectorAll(selector));
}

// Space and Enter belong to the button, link or summary that has focus.
export function activating(element) {
  return Boolean(
    element && element.closest && element.closest("button, a[href], summary, input, select, textarea, label")
  );
}

// "next", "previous" or null: the keys that step through a deck (a list's
// hidden items first, then the slides).
export function direction(event) {
  const key = event.key;
  if (key === "ArrowRight" || key === "ArrowDown" || key === "PageDown" || (key === " " && !event.shiftKey) || key === "n") {
    return "next";
  }
  if (key === "ArrowLeft" || key === "ArrowUp" || key === "PageUp" || (key === " " && event.shiftKey) || key === "p") {
    return "previous";
  }
  return null;
}

// The slide a key asks for, from the one showing (0-based), or null when
// the key does not move the slides.
export function slideFor(event, index, count) {
  const key = event.key;
  const way = direction(event);
  if (way === "next") {
    return Math.min(count - 1, index + 1);
  }
  if (way === "previous") {
    return Math.max(0, index - 1);
  }
  if (key === "Home") {
    return 0;
  }
  if (key === "End") {
    return count - 1;
  }
  return null;
}
