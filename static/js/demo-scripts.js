// htmx and the demo scripts, about 20 KB and a phone's tenth of a second
// to start, loaded only once a page needs them: a lesson when a demo comes
// near (lesson-demos.js), a slide deck when a slide with a demo is shown
// or a poll needs updating (present.js, poll.js). Until then, and without
// JavaScript, each demo is a plain link to its own page and each form a
// plain form.
//
// The page lists the scripts in <template data-demo-scripts>
// (lessons/templates/lessons/detail.html, present/present.html,
// present/follow.html): {% static %} and {% htmx_script %} write their
// fingerprinted URLs there, and in debug mode django-htmx's helper too,
// so nothing here has to know them.

// htmx starts on DOMContentLoaded, or at once if the page has finished
// loading. Added in between, it would wait for an event that has passed,
// and nothing would ever load.
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
// (not needed yet), "loading", "loaded" or "failed". Tests wait on it.
export function say(state) {
  document.documentElement.dataset.demoScripts = state;
}

let started = null;
// Resolves once htmx runs; rejects if a script could not load (offline,
// say), and the page keeps its links and plain forms. Loads once however
// often it is called.
export function loadDemoScripts() {
  const scripts = document.querySelector("template[data-demo-scripts]");
  if (!started && !scripts) {
    // A page that loads htmx at once (the demo pages) has nothing to add.
    started = window.htmx ? Promise.resolve() : Promise.reject(new Error("no demo scripts"));
  }
  if (!started) {
    say("loading");
    // demo-page.js first: its listeners (CSRF header, one request at a
    // time, focus) must be in place before htmx sends a demo's first
    // request.
    started = import("./demo-page.js")
      .then(pageLoaded)
      .then(() => addScripts(scripts))
      .then(
        () => say("loaded"),
        (error) => {
          // demo-page.js (kept by the offline cache) says demos need a
          // connection.
          say("failed");
          throw error;
        }
      );
  }
  return started;
}
