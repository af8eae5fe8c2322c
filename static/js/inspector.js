// The inspector beside each demo: open where there is room for it, and
// keep only the last few chains (each response adds one, out of band).
// Never on a slide: there a trace would push the demo off the screen, and
// the deck loads this file only when a demo's slide is first shown.
export function openInspectorsWhereThereIsRoom() {
  if (window.matchMedia("(min-width: 64rem)").matches) {
    document.querySelectorAll("details[data-inspector]").forEach((details) => {
      if (!details.closest(".slide")) {
        details.open = true;
      }
    });
  }
}

export function setUpInspectors() {
  openInspectorsWhereThereIsRoom();
  document.addEventListener("htmx:afterSettle", () => {
    document.querySelectorAll(".inspector-chains[data-keep]").forEach((list) => {
      const keep = parseInt(list.getAttribute("data-keep"), 10) || 5;
      list.querySelectorAll(":scope > .inspector-chain").forEach((chain, index) => {
        if (index >= keep) {
          chain.remove();
        }
      });
    });
  });
}
