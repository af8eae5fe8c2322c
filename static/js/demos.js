// The embedded demos: each one is a .demo-stage that htmx swaps in place.

export function stageOf(element) {
  return element && element.closest ? element.closest(".demo-stage") : null;
}

// In debug mode {% htmx_script %} adds django-htmx's helper, which replaces
// the whole page with any 400/403/404/500 answer and logs it as an error. A
// demo's 4xx answers are designed for its box ("Email is not valid!"), so
// stop the event before it reaches that document-level listener; htmx
// itself still swaps them.
export function keepDemoErrorsInTheirBox() {
  window.addEventListener(
    "htmx:beforeOnLoad",
    (event) => {
      if (stageOf(event.target)) {
        event.stopPropagation();
      }
    },
    true
  );
  // An intended 400 (a form with its errors) is an answer, not a failure:
  // htmx would log it with console.error, which a reader's console and the
  // browser tests count as a fault.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const status = event.detail.xhr && event.detail.xhr.status;
    // 429 (too many clicks at once) is retry.js's: it keeps the board.
    if (stageOf(event.detail.target) && status >= 400 && status < 500 && status !== 429) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
}

// Rapid clicks in a demo. The stage serializes requests (hx-sync queue
// all), but htmx drops a queued request whose form was replaced by the
// previous answer, so fast clicks would vanish. Instead, a click made
// while the demo is busy is recorded with the form's values at that
// moment and sent, in order, once the stage is free.
export function replayQueuedClicks() {
  const pending = new WeakMap();
  const queueOf = (stage) => {
    if (!pending.has(stage)) {
      pending.set(stage, { busy: false, queue: [] });
    }
    return pending.get(stage);
  };
  const valuesOf = (form, submitter) => {
    const values = {};
    new FormData(form, submitter || undefined).forEach((value, name) => {
      values[name] = name in values ? [].concat(values[name], value) : value;
    });
    return values;
  };

  document.addEventListener("htmx:confirm", (event) => {
    const form = event.detail.elt;
    const stage = stageOf(form);
    if (!stage || !queueOf(stage).busy || form.tagName !== "FORM") {
      return;
    }
    event.preventDefault();
    const trigger = event.detail.triggeringEvent;
    queueOf(stage).queue.push({
      verb: event.detail.verb,
      path: event.detail.path,
      values: valuesOf(form, trigger && trigger.submitter),
    });
  });
  document.addEventListener("htmx:beforeRequest", (event) => {
    const stage = stageOf(event.detail.elt);
    if (stage) {
      queueOf(stage).busy = true;
    }
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    const stage = stageOf(event.detail.target) || stageOf(event.detail.elt);
    if (!stage) {
      return;
    }
    const state = queueOf(stage);
    state.busy = false;
    const next = state.queue.shift();
    if (next) {
      window.htmx.ajax(next.verb.toUpperCase(), next.path, {
        source: stage,
        target: stage,
        swap: "innerHTML",
        values: next.values,
      });
    }
  });
}

// Demos need the server: say so plainly when the browser is offline
// (a lesson read from the offline cache still shows its text and code).
export function sayDemosNeedAConnection() {
  const stages = () => document.querySelectorAll(".demo-stage");
  if (!stages().length) {
    return;
  }
  const show = () => {
    stages().forEach((stage) => {
      const demo = stage.closest(".demo") || stage;
      let note = demo.querySelector(":scope > .demo-offline");
      if (navigator.onLine) {
        if (note) {
          note.remove();
        }
        return;
      }
      if (!note) {
        note = document.createElement("p");
        note.className = "demo-offline";
        note.setAttribute("role", "status");
        note.textContent = "You are offline. This demo runs on the server, so it needs a connection; the lesson text and code work offline.";
        stage.before(note);
      }
    });
  };
  window.addEventListener("online", show);
  window.addEventListener("offline", show);
  show();
}
