// A lesson's demos need htmx and the demo scripts, about 20 KB, and many
// readers never scroll as far as the first demo. So a lesson page loads
// them only when a demo comes within a screen of the window. Until then,
// and without JavaScript, each demo is a plain link to its own page; once
// they are loaded, htmx swaps a demo in as it scrolls into view, exactly
// as on a page that loads htmx at once (the demo pages).
import { loadDemoScripts, say } from "./demo-scripts.js";
import { openInspectorsWhereThereIsRoom } from "./inspector.js";

const stages = document.querySelectorAll(".demo-stage[hx-get]");
// "Near": within one screen of the window, above or below it. The scripts
// load when the first demo is near, and each demo when it is.
const NEAR = { rootMargin: "100% 0px" };

// htmx's own trigger, "revealed", looks for demos in the window only when
// the window scrolls. A reader scrolled to a demo, then the demo above it
// loaded and grew, pushing it below the window before htmx looked: it never
// loaded. An IntersectionObserver is told of every change of layout, and
// with a screen of margin, as for the scripts, a demo loads before the
// reader reaches it, so it also grows out of their sight.
function loadEachDemoWhenNear() {
  const near = new IntersectionObserver(
    (entries) => {
      for (const { target, isIntersecting } of entries) {
        if (!isIntersecting) {
          continue;
        }
        near.unobserve(target);
        // htmx marks a demo it has revealed: never load one twice (the
        // session counter counts every load).
        if (!target.hasAttribute("data-hx-revealed")) {
          target.setAttribute("data-hx-revealed", "true");
          window.htmx.trigger(target, "revealed");
        }
      }
    },
    NEAR
  );
  stages.forEach((stage) => near.observe(stage));
}

function loadDemos() {
  loadDemoScripts().then(
    loadEachDemoWhenNear,
    // Offline, say: each demo stays its link, which still works.
    () => {}
  );
}

if (stages.length && document.querySelector("template[data-demo-scripts]")) {
  // Open now, not when the demos load: an inspector opening above the
  // reader (who followed a link to a later section) would push the text
  // they are reading down the screen.
  openInspectorsWhereThereIsRoom();
  const near = new IntersectionObserver(
    (entries) => {
      if (entries.some((entry) => entry.isIntersecting)) {
        near.disconnect();
        loadDemos();
      } else {
        say("waiting");
      }
    },
    NEAR
  );
  stages.forEach((stage) => near.observe(stage));
}
