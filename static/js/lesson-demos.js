// A lesson's demos need htmx and the demo scripts, about 20 KB, and many
// readers never scroll as far as the first demo. So a lesson page loads
// them only when a demo comes within a screen of the window. Until then,
// and without JavaScript, each demo is a plain link to its own page; once
// they are loaded, htmx swaps a demo in as it scrolls into view, exactly
// as on a page that loads htmx at once (the demo pages, the presenter).
//
// The page lists the scripts in <template data-demo-scripts>
// (lessons/templates/lessons/detail.html): {% static %} and
// {% htmx_script %} write their fingerprinted URLs there, and in debug
// mode django-htmx's helper too, so nothing here has to know them.
import { openInspectorsWhereThereIsRoom } from "./inspector.js";

const stages = document.querySelectorAll(".demo-stage[hx-get]");
// "Near": within one screen of the window, above or below it. The scripts
// load when the first demo is near, and each demo when it is.
const NEAR = { rootMargin: "100% 0px" };
const scripts = document.querySelector("template[data-demo-scripts]");

// htmx starts on DOMContentLoaded, or at once if the page has finished
// loading. Added in between, it would wait for an event that has passed,
// and no demo would ever load.
function pageLoaded() {
  if (document.readyState === "complete") {
    return Promise.resolve();
  }
  return new Promise((done) => window.addEventListener("load", done, { once: true }));
}

// A script inside a <template> never runs, so each one is copied into a
// fresh element. async = false runs the copies in the order they are
// listed (htmx, then in debug mode django-htmx's helper), as the page's own
// tags would.
function addScripts(template) {
  const loaded = [...template.content.querySelectorAll("script")].map((listed) => {
    const script = document.createElement("script");
    for (const { name, value } of listed.attributes) {
      script.setAttribute(name, value);
    }
    script.async = false;
    const done = new Promise((resolve, reject) => {
      script.addEventListener("load", resolve, { once: true });
      script.addEventListener("error", reject, { once: true });
    });
    document.head.append(script);
    return done;
  });
  return Promise.all(loaded);
}

// The page says how far it got, on <html data-demo-scripts>: "waiting"
// (no demo near yet), "loading", "loaded" or "failed". Tests wait on it.
function say(state) {
  document.documentElement.dataset.demoScripts = state;
}

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

let started = null;
function loadDemos() {
  say("loading");
  // demo-page.js first: its listeners (CSRF header, one request at a time,
  // focus) must be in place before htmx sends a demo's first request.
  started ||= import("./demo-page.js")
    .then(pageLoaded)
    .then(() => addScripts(scripts))
    .then(
      () => {
        say("loaded");
        loadEachDemoWhenNear();
      },
      // Offline, say: each demo stays its link, which still works, and
      // demo-page.js (kept by the offline cache) says demos need a
      // connection.
      () => say("failed")
    );
  return started;
}

if (stages.length && scripts) {
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
