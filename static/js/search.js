// Search as you type. The header's search box is a plain GET form (it works
// without JavaScript); here each pause in typing asks the same URL for just
// the results list (the server answers HX-Request with its fragment) and
// shows it under the box. Enter still opens the full results page.
const PAUSE_MS = 150;

export function setUpSearch() {
  const form = document.querySelector("[data-search]");
  if (!form) {
    return;
  }
  const box = form.querySelector("[data-search-box]");
  const panel = form.querySelector("[data-search-results]");
  const status = form.querySelector("[data-search-status]");
  let timer = null;
  let inFlight = null;
  let shownFor = "";

  const links = () => Array.from(panel.querySelectorAll("a[href]"));
  const hide = () => {
    panel.hidden = true;
  };
  const show = () => {
    panel.hidden = false;
  };

  async function lookUp(query) {
    if (inFlight) {
      inFlight.abort();
    }
    inFlight = new AbortController();
    const url = form.action + "?" + new URLSearchParams({ q: query });
    try {
      const response = await fetch(url, {
        headers: { "HX-Request": "true" },
        signal: inFlight.signal,
      });
      // The fragment is server-rendered and escaped (lessons/_search_results.html).
      panel.innerHTML = await response.text();
    } catch (error) {
      if (error.name === "AbortError") {
        return;
      }
      panel.innerHTML = "";
      const note = document.createElement("p");
      note.className = "search-problem";
      note.textContent = navigator.onLine
        ? "Search did not answer. Press Enter to try the search page."
        : "Search needs a connection; you are offline.";
      panel.append(note);
    }
    shownFor = query;
    // An answer that arrives after the reader left the box waits until
    // they come back to it (focus shows it), instead of covering the page.
    if (form.contains(document.activeElement)) {
      show();
      const count = panel.querySelector(".search-count, .search-none, .search-problem");
      status.textContent = count ? count.textContent : "";
    }
  }

  box.setAttribute("aria-controls", panel.id);
  box.addEventListener("input", () => {
    clearTimeout(timer);
    const query = box.value.trim();
    if (!query) {
      hide();
      status.textContent = "";
      shownFor = "";
      return;
    }
    timer = setTimeout(() => lookUp(query), PAUSE_MS);
  });
  box.addEventListener("focus", () => {
    if (shownFor && shownFor === box.value.trim()) {
      show();
    }
  });
  form.addEventListener("keydown", (event) => {
    const all = links();
    const at = all.indexOf(document.activeElement);
    if (event.key === "Escape") {
      // Closed on purpose: a look-up still waiting or on its way must not
      // open the list a moment later.
      clearTimeout(timer);
      if (inFlight) {
        inFlight.abort();
      }
      shownFor = ""; // and focusing the box must not reopen it
      if (!panel.hidden) {
        event.preventDefault();
        hide();
        box.focus();
      }
    } else if (event.key === "ArrowDown" && !panel.hidden && all.length) {
      event.preventDefault();
      all[Math.min(at + 1, all.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      if (at === 0) {
        box.focus();
      } else {
        all[at - 1].focus();
      }
    }
  });
  form.addEventListener("focusout", (event) => {
    if (!form.contains(event.relatedTarget)) {
      hide();
    }
  });
  // This module loads when the box is first focused; words typed while it
  // loaded are looked up now.
  if (box.value.trim()) {
    lookUp(box.value.trim());
  }
}
