// Small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // CSRF: Django's token comes from its cookie, so lesson pages need no
  // per-visitor token in their HTML and can be cached whole.
  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : null;
  }
  document.addEventListener("htmx:configRequest", function (event) {
    var token = cookie("csrftoken");
    if (token) {
      event.detail.headers["X-CSRFToken"] = token;
    }
  });

  // In debug mode {% htmx_script %} adds django-htmx's helper, which replaces
  // the whole page with any 400/403/404/500 answer. A demo's 4xx answers are
  // designed for its box ("Email is not valid!"), so stop the event before
  // it reaches that document-level listener; htmx itself still swaps them.
  window.addEventListener(
    "htmx:beforeOnLoad",
    function (event) {
      if (stageOf(event.target)) {
        event.stopPropagation();
      }
    },
    true
  );

  // Rapid clicks in a demo. The stage serializes requests (hx-sync queue
  // all), but htmx drops a queued request whose form was replaced by the
  // previous answer, so fast clicks would vanish. Instead, a click made
  // while the demo is busy is recorded with the form's values at that
  // moment and sent, in order, once the stage is free.
  var pending = new WeakMap();

  function stageOf(element) {
    return element && element.closest ? element.closest(".demo-stage") : null;
  }
  function queueOf(stage) {
    if (!pending.has(stage)) {
      pending.set(stage, { busy: false, queue: [] });
    }
    return pending.get(stage);
  }
  function valuesOf(form, submitter) {
    var values = {};
    new FormData(form, submitter || undefined).forEach(function (value, name) {
      if (name in values) {
        values[name] = [].concat(values[name], value);
      } else {
        values[name] = value;
      }
    });
    return values;
  }
  document.addEventListener("htmx:confirm", function (event) {
    var stage = stageOf(event.detail.elt);
    var form = event.detail.elt;
    if (!stage || !queueOf(stage).busy || form.tagName !== "FORM") {
      return;
    }
    event.preventDefault();
    var trigger = event.detail.triggeringEvent;
    queueOf(stage).queue.push({
      verb: event.detail.verb,
      path: event.detail.path,
      values: valuesOf(form, trigger && trigger.submitter),
    });
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var stage = stageOf(event.detail.elt);
    if (stage) {
      queueOf(stage).busy = true;
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var stage = stageOf(event.detail.target) || stageOf(event.detail.elt);
    if (!stage) {
      return;
    }
    var state = queueOf(stage);
    state.busy = false;
    var next = state.queue.shift();
    if (next) {
      htmx.ajax(next.verb.toUpperCase(), next.path, { source: stage, target: stage, swap: "innerHTML", values: next.values });
    }
  });

  // Keep keyboard and screen-reader users in the demo they are using: when
  // a swap removed the focused element, focus the demo's stage instead of
  // dropping focus back to the top of the page.
  document.addEventListener("htmx:afterSwap", function (event) {
    var stage = event.detail.target;
    if (!stage || !stage.classList || !stage.classList.contains("demo-stage")) {
      return;
    }
    if (!document.activeElement || document.activeElement === document.body) {
      var preferred = stage.querySelector("[data-autofocus]");
      if (preferred) {
        preferred.focus();
      } else {
        stage.setAttribute("tabindex", "-1");
        stage.focus({ preventScroll: true });
      }
    }
  });

  // Theme toggle: light <-> dark, remembered in this browser.
  function currentTheme() {
    var chosen = document.documentElement.getAttribute("data-theme");
    if (chosen) {
      return chosen;
    }
    return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  function showTheme(button) {
    var dark = currentTheme() === "dark";
    button.setAttribute("aria-pressed", dark ? "true" : "false");
    button.setAttribute("title", dark ? "Switch to the light theme" : "Switch to the dark theme");
  }
  function setUpThemeToggle() {
    var button = document.querySelector("[data-theme-toggle]");
    if (!button) {
      return;
    }
    button.hidden = false;
    showTheme(button);
    button.addEventListener("click", function () {
      var next = currentTheme() === "dark" ? "light" : "dark";
      document.documentElement.setAttribute("data-theme", next);
      try {
        localStorage.setItem("courseware-theme", next);
      } catch (error) {
        // Not remembered, but still applied for this page.
      }
      showTheme(button);
    });
  }

  // A copy button on every code block in a lesson.
  function codeText(pre) {
    var clone = pre.cloneNode(true);
    clone.querySelectorAll(".linenos").forEach(function (number) {
      number.remove();
    });
    return clone.textContent.replace(/\n$/, "");
  }
  function setUpCopyButtons() {
    if (!navigator.clipboard) {
      return;
    }
    document.querySelectorAll(".lesson-body .highlight pre").forEach(function (pre) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-button";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy this code");
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(codeText(pre)).then(
          function () {
            button.textContent = "Copied";
            setTimeout(function () {
              button.textContent = "Copy";
            }, 1500);
          },
          function () {
            button.textContent = "Copy failed";
          }
        );
      });
      pre.parentNode.insertBefore(button, pre);
    });
  }

  // The inspector beside each demo: open where there is room for it, and
  // keep only the last few chains (each response adds one, out of band).
  function setUpInspectors() {
    if (!window.matchMedia("(min-width: 64rem)").matches) {
      return;
    }
    document.querySelectorAll("details[data-inspector]").forEach(function (details) {
      details.open = true;
    });
  }
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll(".inspector-chains[data-keep]").forEach(function (list) {
      var keep = parseInt(list.getAttribute("data-keep"), 10) || 5;
      list.querySelectorAll(":scope > .inspector-chain").forEach(function (chain, index) {
        if (index >= keep) {
          chain.remove();
        }
      });
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    setUpThemeToggle();
    setUpCopyButtons();
    setUpInspectors();
  });
})();
