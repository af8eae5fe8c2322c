// A click the network lost, or one refused because the visitor sent too
// many at once (429), inside a demo: say so, keep the board, offer a retry
// that can never apply the same move twice.
//
// Every form a demo sends carries an Idempotency-Key header, new for each
// click. The server remembers the keys it applied (sandbox_apps/idempotency.py),
// so sending the same click again after a lost answer applies it at most
// once: if the first attempt did reach the server, the retry only shows the
// board as it now is.
import { fromTheSite, stageOf, tooManyAtOnce, valuesOf } from "./demos.js";

const HEADER = "Idempotency-Key";

const LOST = [
  "The server did not answer, so this click may not have counted.",
  " Trying again is safe: the same click is never applied twice. ",
];
// A 429 comes from the session lock (sandbox_apps/middleware.py) or from
// nginx's limits (deploy/nginx.conf): nothing was changed. If it answered
// the GET that follows a redirect, the click itself did count; the retry
// brings the same Idempotency-Key, so it only shows the board.
const TOO_MANY = [
  "Too many clicks at once: this one was not applied.",
  " Wait a moment, then try again. ",
];
// The site's 503 (courseware/views.py): the database went away, so the
// click was not saved; the same click can be sent again in a moment.
const UNAVAILABLE = [
  "The demos are unavailable for a moment: the database is not answering.",
  " This click was not applied. Try again in a few seconds. ",
];

// A demo loading into its stage is not a click the reader made: if the
// session is busy (the reader's other tab is clicking), the load is sent
// again after the pause the server asks for, a few times, before the
// stage says it could not load. The fallback link stays meanwhile.
const LOAD_TRIES = 4;
const NOT_LOADED = [
  "This demo could not load: your other demo requests kept the server busy.",
  " Nothing was changed. ",
];
const loadTries = new WeakMap();

// Not crypto.randomUUID(): it exists only in secure contexts, and a class
// may follow a laptop's course over plain http on the room's network.
function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function showFailure(stage, config, [headline, advice]) {
  stage.querySelector(":scope > .demo-failure")?.remove();
  const box = document.createElement("div");
  box.className = "sandbox-refused demo-failure";
  box.setAttribute("role", "alert");
  const text = document.createElement("p");
  const strong = document.createElement("strong");
  strong.textContent = headline;
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = "Try again";
  button.addEventListener("click", () => {
    box.remove();
    const key = config.headers?.[HEADER];
    window.htmx.ajax(config.verb.toUpperCase(), config.path, {
      source: stage,
      target: stage,
      swap: "innerHTML",
      values: valuesOf(config.formData),
      headers: key ? { [HEADER]: key } : {},
    });
  });
  text.append(strong, advice, button);
  box.append(text);
  stage.prepend(box);
  button.focus({ preventScroll: true });
}

function isLoad(detail, stage) {
  const config = detail.requestConfig;
  return config.verb === "get" && config.elt === stage;
}

function loadAgainLater(stage, config, xhr) {
  const tries = (loadTries.get(stage) || 0) + 1;
  loadTries.set(stage, tries);
  if (tries >= LOAD_TRIES) {
    loadTries.delete(stage);
    showFailure(stage, config, NOT_LOADED);
    return;
  }
  const seconds = parseFloat(xhr.getResponseHeader("Retry-After")) || 1;
  setTimeout(() => {
    window.htmx.ajax("GET", config.path, { source: stage, target: stage, swap: "innerHTML" });
  }, seconds * 1000);
}

// What to say instead of swapping an answer in, or null to swap it as usual.
function failureIn(xhr) {
  if (tooManyAtOnce(xhr)) {
    // Whoever refused it, the board stays as it is.
    return TOO_MANY;
  }
  if (xhr.status === 503 && fromTheSite(xhr)) {
    // Keep the board: its state is exactly as it was before the click.
    return UNAVAILABLE;
  }
  // The site's own answers explain themselves; anything else, such as a
  // proxy's bare 502 page, would replace the board.
  return xhr.status >= 500 && !fromTheSite(xhr) ? LOST : null;
}

export function offerRetries() {
  document.addEventListener("htmx:configRequest", (event) => {
    const detail = event.detail;
    // A retry brings its key along; a new click gets a new one.
    if (detail.verb !== "get" && stageOf(detail.elt) && !detail.headers[HEADER]) {
      detail.headers[HEADER] = newKey();
    }
  });

  document.addEventListener("htmx:beforeSwap", (event) => {
    const detail = event.detail;
    const stage = stageOf(detail.target);
    if (!stage) {
      return;
    }
    if (tooManyAtOnce(detail.xhr) && isLoad(detail, stage)) {
      detail.shouldSwap = false;
      detail.isError = false;
      loadAgainLater(stage, detail.requestConfig, detail.xhr);
      return;
    }
    loadTries.delete(stage);
    const failure = failureIn(detail.xhr);
    if (failure) {
      detail.shouldSwap = false;
      detail.isError = false;
      showFailure(stage, detail.requestConfig, failure);
    }
  });

  function lost(event) {
    const detail = event.detail;
    const stage = stageOf(detail.target) || stageOf(detail.elt);
    if (stage && detail.requestConfig) {
      showFailure(stage, detail.requestConfig, LOST);
    }
  }
  document.addEventListener("htmx:sendError", lost);
  document.addEventListener("htmx:timeout", lost);
}
