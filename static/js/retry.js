// A click the network lost, or one refused because the visitor sent too
// many at once (429), inside a demo: say so, keep the board, offer a retry
// that can never apply the same move twice.
//
// Every form a demo sends carries an Idempotency-Key header, new for each
// click. The server remembers the keys it applied (sandbox_apps/idempotency.py),
// so sending the same click again after a lost answer applies it at most
// once: if the first attempt did reach the server, the retry only shows the
// board as it now is.
(function () {
  "use strict";

  var HEADER = "Idempotency-Key";

  function stageOf(element) {
    return element && element.closest ? element.closest(".demo-stage") : null;
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID().replace(/-/g, "");
    }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      })
      .join("");
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var detail = event.detail;
    if (detail.verb === "get" || !stageOf(detail.elt)) {
      return;
    }
    // A retry brings its key along; a new click gets a new one.
    if (!detail.headers[HEADER]) {
      detail.headers[HEADER] = newKey();
    }
  });

  // Answers from the site itself say so (Vary: HX-Request on every sandbox
  // answer) and are swapped as usual: they explain themselves. Anything
  // else, such as a proxy's bare 502 page, would replace the board.
  function fromTheSite(xhr) {
    return /HX-Request/i.test(xhr.getResponseHeader("Vary") || "");
  }

  function valuesOf(formData) {
    var values = {};
    if (formData) {
      formData.forEach(function (value, name) {
        values[name] = name in values ? [].concat(values[name], value) : value;
      });
    }
    return values;
  }

  var LOST = [
    "The server did not answer, so this click may not have counted.",
    " Trying again is safe: the same click is never applied twice. ",
  ];
  // A 429 comes from the session lock (sandbox_apps/middleware.py) or from
  // nginx's limits (deploy/nginx.conf): nothing was changed. If it answered
  // the GET that follows a redirect, the click itself did count; the retry
  // brings the same Idempotency-Key, so it only shows the board.
  var TOO_MANY = [
    "Too many clicks at once: this one was not applied.",
    " Wait a moment, then try again. ",
  ];

  // The site's 503 (courseware/views.py): the database went away, so the
  // click was not saved; the same click can be sent again in a moment.
  var UNAVAILABLE = [
    "The demos are unavailable for a moment: the database is not answering.",
    " This click was not applied. Try again in a few seconds. ",
  ];

  // Too many at once: a proxy's limit (its answer is not the site's), or
  // the session lock, which says so in a header. A throttled login is a
  // 429 too, but it is the form with its own message: swapped as usual.
  function tooManyAtOnce(xhr) {
    return (
      xhr.status === 429 &&
      (!fromTheSite(xhr) || xhr.getResponseHeader("X-Session-Busy") === "1")
    );
  }

  function showFailure(stage, config, message) {
    var old = stage.querySelector(":scope > .demo-failure");
    if (old) {
      old.remove();
    }
    var box = document.createElement("div");
    box.className = "sandbox-refused demo-failure";
    box.setAttribute("role", "alert");
    var text = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = message[0];
    text.appendChild(strong);
    text.appendChild(document.createTextNode(message[1]));
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = "Try again";
    button.addEventListener("click", function () {
      box.remove();
      var headers = {};
      if (config.headers && config.headers[HEADER]) {
        headers[HEADER] = config.headers[HEADER];
      }
      htmx.ajax(config.verb.toUpperCase(), config.path, {
        source: stage,
        target: stage,
        swap: "innerHTML",
        values: valuesOf(config.formData),
        headers: headers,
      });
    });
    text.appendChild(button);
    box.appendChild(text);
    stage.insertBefore(box, stage.firstChild);
    button.focus({ preventScroll: true });
  }

  // A demo loading into its stage is not a click the reader made: if the
  // session is busy (the reader's other tab is clicking), the load is sent
  // again after the pause the server asks for, a few times, before the
  // stage says it could not load. The fallback link stays meanwhile.
  var LOAD_TRIES = 4;
  var NOT_LOADED = [
    "This demo could not load: your other demo requests kept the server busy.",
    " Nothing was changed. ",
  ];
  var loadTries = new WeakMap();

  function isLoad(detail, stage) {
    var config = detail.requestConfig;
    return config.verb === "get" && config.elt === stage;
  }

  function loadAgainLater(stage, config, xhr) {
    var tries = (loadTries.get(stage) || 0) + 1;
    loadTries.set(stage, tries);
    if (tries >= LOAD_TRIES) {
      loadTries.delete(stage);
      showFailure(stage, config, NOT_LOADED);
      return;
    }
    var seconds = parseFloat(xhr.getResponseHeader("Retry-After")) || 1;
    setTimeout(function () {
      htmx.ajax("GET", config.path, {
        source: stage,
        target: stage,
        swap: "innerHTML",
      });
    }, seconds * 1000);
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    var stage = stageOf(detail.target);
    if (!stage) {
      return;
    }
    var status = detail.xhr.status;
    if (tooManyAtOnce(detail.xhr) && isLoad(detail, stage)) {
      detail.shouldSwap = false;
      detail.isError = false;
      loadAgainLater(stage, detail.requestConfig, detail.xhr);
      return;
    }
    loadTries.delete(stage);
    if (tooManyAtOnce(detail.xhr)) {
      // Whoever refused it, the board stays as it is.
      detail.shouldSwap = false;
      detail.isError = false;
      showFailure(stage, detail.requestConfig, TOO_MANY);
      return;
    }
    if (status === 503 && fromTheSite(detail.xhr)) {
      // Keep the board: its state is exactly as it was before the click.
      detail.shouldSwap = false;
      detail.isError = false;
      showFailure(stage, detail.requestConfig, UNAVAILABLE);
      return;
    }
    if (status < 500 || fromTheSite(detail.xhr)) {
      return;
    }
    detail.shouldSwap = false;
    detail.isError = false;
    showFailure(stage, detail.requestConfig, LOST);
  });

  function lost(event) {
    var detail = event.detail;
    var stage = stageOf(detail.target) || stageOf(detail.elt);
    if (stage && detail.requestConfig) {
      showFailure(stage, detail.requestConfig, LOST);
    }
  }
  document.addEventListener("htmx:sendError", lost);
  document.addEventListener("htmx:timeout", lost);
})();
