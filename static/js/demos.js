// How the embedded demos' requests behave. Each demo is a .demo-stage that
// htmx swaps in place; this module keeps a demo's 4xx answers in its box,
// holds clicks made while a demo is busy and sends them in order, sends
// one demo request at a time (the server's limit), and says when demos
// cannot run offline. demo-page.js sets these up.

export function stageOf(element) {
  return element && element.closest ? element.closest(".demo-stage") : null;
}

// In debug mode {% htmx_script %} adds django-htmx's helper, which replaces
// the whole page with any 400/403/404/500 answer and logs it as an error. A
// demo's 4xx answers are designed for its box ("Choose one of the places"),
// so stop the event before it reaches that document-level listener; htmx
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
  // A form with errors is answered 200 and swapped as usual. A 4xx from the
  // site (a 400 for a request the form never sends, a throttled login's
  // 429 with its message) explains itself in the box: htmx would neither
  // swap it nor keep quiet about it (console.error).
  document.addEventListener("htmx:beforeSwap", (event) => {
    const status = event.detail.xhr && event.detail.xhr.status;
    if (stageOf(event.detail.target) && status >= 400 && status < 500 && !tooManyAtOnce(event.detail.xhr)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
}

// Answers from the site itself say so (Vary: HX-Request on every sandbox
// answer); a proxy's error page does not.
export function fromTheSite(xhr) {
  return /HX-Request/i.test(xhr.getResponseHeader("Vary") || "");
}

// "Too many at once": the session lock's 429 (it says so in a header), or
// a proxy's. retry.js keeps the board and offers Try again. Any other 429
// (a throttled login) is the form with its own message.
export function tooManyAtOnce(xhr) {
  if (!xhr || xhr.status !== 429) {
    return false;
  }
  return !fromTheSite(xhr) || xhr.getResponseHeader("X-Session-Busy") === "1";
}

// A request as the reader made it: the form's values at that moment (with
// the button pressed), so it can still be sent after a later answer has
// replaced the form. A link or a demo's load has all it sends in its path.
function asMade(detail) {
  const elt = detail.elt;
  let values = {};
  if (elt.tagName === "FORM") {
    const trigger = detail.triggeringEvent;
    values = valuesOf(new FormData(elt, (trigger && trigger.submitter) || undefined));
  }
  return { stage: stageOf(elt), verb: detail.verb, path: detail.path, values };
}

// A form's fields as htmx.ajax takes them: a name sent twice, a list.
export function valuesOf(formData) {
  const values = {};
  formData?.forEach((value, name) => {
    values[name] = name in values ? [].concat(values[name], value) : value;
  });
  return values;
}

// Sent as if from the stage itself, which an answer never replaces.
function sendFromTheStage(request) {
  window.htmx.ajax(request.verb.toUpperCase(), request.path, {
    source: request.stage,
    target: request.stage,
    swap: "innerHTML",
    values: request.values,
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
  document.addEventListener("htmx:confirm", (event) => {
    const form = event.detail.elt;
    const stage = stageOf(form);
    if (!stage || !queueOf(stage).busy || form.tagName !== "FORM") {
      return;
    }
    event.preventDefault();
    queueOf(stage).queue.push(asMade(event.detail));
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
      sendFromTheStage(next);
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

// The server runs one demo request of a visitor at a time, lets one more
// wait for it (for at most two seconds), and answers any further one 429
// "too many clicks at once" (sandbox_apps/session_lock.py; nginx keeps to
// the same number). A page with several demos would send more than that
// when they all load at once. Sending even a second one buys nothing, as
// the server would only run it after the first, and it would spend that
// time in a worker, refused if the first answer is slow. So the page sends
// one demo request at a time and keeps the others, in order, until the
// answer comes back: waiting in the browser costs nobody anything. The
// server's waiter slot is left for the visitor's other tab.
export const DEMO_REQUESTS_AT_ONCE = 1;

export function keepToTheServersLimit() {
  let inFlight = 0;
  const waiting = [];
  document.addEventListener("htmx:confirm", (event) => {
    // A click already held back by replayQueuedClicks is its business.
    if (event.defaultPrevented || !stageOf(event.detail.elt)) {
      return;
    }
    if (inFlight >= DEMO_REQUESTS_AT_ONCE) {
      event.preventDefault();
      waiting.push({
        ...asMade(event.detail),
        elt: event.detail.elt,
        issue: event.detail.issueRequest,
      });
    }
  });
  // While a request waits here, the answer before it may replace the form
  // or link it came from (fast clicks in one demo, or a click while another
  // demo loads). htmx silently drops a request whose element has left the
  // page, so such a request is sent from its stage with the values it was
  // made with. And if a request still does not go out, the next one must:
  // only a request that went out ends in a loadend that sends another, so
  // one that never went would leave the rest waiting forever.
  const sendWhatWaits = () => {
    while (inFlight < DEMO_REQUESTS_AT_ONCE && waiting.length) {
      const next = waiting.shift();
      if (next.elt.isConnected) {
        // true: it was confirmed once already.
        next.issue(true);
      } else {
        sendFromTheStage(next);
      }
    }
  };
  document.addEventListener("htmx:beforeSend", (event) => {
    if (!stageOf(event.detail.elt)) {
      return;
    }
    inFlight += 1;
    // loadend comes once per request, whatever its end (answer, network
    // error, abort, timeout), and after htmx has swapped the answer in.
    event.detail.xhr.addEventListener("loadend", () => {
      inFlight -= 1;
      sendWhatWaits();
    });
  });
}
