// The speaker view: current and next slide, notes, timer and clock.
// It loads no htmx, so it cannot send a demo request. The presenter window
// (present.js) tells it, over a BroadcastChannel, which slide is showing
// and what each demo looks like after every swap; this page shows copies
// of that HTML inside inert frames.
import { $, $all, activating, direction, slideFor } from "./deck-keys.js";
import { startRemote } from "./remote.js";

(function () {
  "use strict";

  var root, count, index = 0, channel = null, connected = false;
  // Set when this view is a remote for the user's session (remote.js).
  var remote = null;
  var demos = {};
  var startedAt;
  // Reveal items shown on the current slide; all of them until connected.
  var step = Infinity;
  // Milliseconds on each slide (by slide id) since the timer started, and
  // the slide being timed now.
  var timing = { times: {}, id: null, since: 0 };


  // --- Copies of slides ---------------------------------------------------------

  // Mirrored demo HTML comes from this site's own presenter window. It is
  // parsed in an inert <template> (nothing in it loads or runs) and its
  // nodes are copied in. No checking of attributes is needed here: this
  // page loads no htmx, so hx-* attributes do nothing, and its CSP allows
  // no inline script or event handler attribute.
  function inertCopy(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return document.importNode(template.content, true);
  }

  // Both frames hold copies of the same slides, so ids get a prefix to
  // stay unique (and labels keep pointing at their own copy).
  function prefixIds(scope, prefix) {
    $all("[id]", scope).forEach(function (element) {
      element.id = prefix + element.id;
    });
    ["aria-labelledby", "aria-describedby", "aria-controls", "for"].forEach(function (name) {
      $all("[" + name + "]", scope).forEach(function (element) {
        var value = element.getAttribute(name).split(/\s+/).map(function (id) {
          return prefix + id;
        });
        element.setAttribute(name, value.join(" "));
      });
    });
  }

  function slideCopy(number, prefix) {
    var template = $('template[data-slide-template="' + number + '"]');
    var copy = document.createElement("div");
    copy.className = "slide speaker-slide";
    if (!template) {
      var end = document.createElement("p");
      end.className = "speaker-end";
      end.textContent = "End of the slides.";
      copy.appendChild(end);
      return copy;
    }
    copy.appendChild(template.content.cloneNode(true));
    $all(".demo-stage", copy).forEach(function (stage) {
      var figure = stage.closest(".demo");
      Array.prototype.slice.call(stage.attributes).forEach(function (attribute) {
        if (attribute.name.indexOf("hx-") === 0) {
          stage.removeAttribute(attribute.name);
        }
      });
      stage.textContent = "";
      if (figure && demos[figure.id] !== undefined) {
        stage.appendChild(inertCopy(demos[figure.id]));
      } else {
        var waiting = document.createElement("p");
        waiting.className = "hint";
        waiting.textContent = "The demo appears here as the presenter window shows it.";
        stage.appendChild(waiting);
      }
    });
    prefixIds(copy, prefix);
    return copy;
  }

  function titleOf(number) {
    var template = $('template[data-slide-template="' + number + '"]');
    return template ? template.getAttribute("data-title") : "End";
  }

  function show() {
    var number = index + 1;
    $("[data-speaker-number]").textContent = String(number);
    $("[data-speaker-current-title]").textContent = titleOf(number);
    $("[data-speaker-next-title]").textContent = number < count ? titleOf(number + 1) : "End";
    $('[data-pane="current"]').replaceChildren(slideCopy(number, "current-"));
    $('[data-pane="next"]').replaceChildren(slideCopy(number + 1, "next-"));
    // The presenter's hidden list items, faded here so the speaker sees what comes.
    $all(".slide-reveal > ul > li, .slide-reveal > ol > li", $('[data-pane="current"]')).forEach(function (item, position) {
      item.classList.toggle("reveal-pending", position >= step);
    });
    timeSlide();
    var notes = $('template[data-notes-template="' + number + '"]');
    var pane = $('[data-pane="notes"]');
    pane.replaceChildren(notes ? notes.content.cloneNode(true) : document.createTextNode(""));
    prefixIds(pane, "notes-");
    $("[data-speaker-prev]").disabled = index === 0;
    $("[data-speaker-next]").disabled = index === count - 1;
  }

  // --- Talking to the presenter window ----------------------------------------------

  function setStatus(text) {
    $("[data-speaker-status]").textContent = text;
  }

  function receive(event) {
    var message = event.data || {};
    if (!connected && (message.type === "state" || message.type === "slide")) {
      connected = true;
      setStatus("Connected to the presenter window. Arrow keys here move the slides there.");
    }
    if (message.type === "state") {
      demos = message.demos || {};
      index = message.index;
      step = message.step || 0;
      showFollowers(message.followers);
      show();
    } else if (message.type === "slide") {
      index = message.index;
      step = message.step || 0;
      show();
    } else if (message.type === "followers") {
      showFollowers(message.text);
    } else if (message.type === "demo" && typeof message.id === "string") {
      demos[message.id] = message.html;
      show();
    }
  }

  function showFollowers(text) {
    var element = $("[data-speaker-followers]");
    element.textContent = text || "";
    element.hidden = !text;
  }

  // Next and previous go to the presenter window as such: it knows whether
  // a list item is still to appear before the next slide.
  function ask(target, way) {
    target = Math.max(0, Math.min(count - 1, target));
    if (channel && connected && way) {
      channel.postMessage({ type: way });
    } else if (channel && connected) {
      channel.postMessage({ type: "go", index: target });
    } else if (remote) {
      // Another device: the move goes through the server.
      remote.ask(target, way);
    } else {
      // No presenter window: page through the notes here alone.
      index = target;
      show();
    }
  }

  function onKey(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var key = event.key;
    if ((key === " " || key === "Enter") && activating(event.target)) {
      return;
    }
    var wanted = slideFor(event, index, count);
    if (wanted !== null) {
      event.preventDefault();
      ask(wanted, direction(event));
    }
  }

  // --- Timer and clock ------------------------------------------------------------

  function timerKey() {
    return "courseware-speaker-started:" + root.getAttribute("data-channel");
  }
  function remember(key, value) {
    try {
      sessionStorage.setItem(key, value);
    } catch (error) {
      // Not remembered across reloads; still counts.
    }
  }
  function recall(key) {
    try {
      return sessionStorage.getItem(key);
    } catch (error) {
      return null;
    }
  }
  function restartTimer() {
    startedAt = Date.now();
    remember(timerKey(), String(startedAt));
    timing = { times: {}, id: null, since: 0 };
    timeSlide();
    tick();
  }
  function two(number) {
    return number < 10 ? "0" + number : String(number);
  }
  function duration(milliseconds) {
    var seconds = Math.max(0, Math.floor(milliseconds / 1000));
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    return (hours ? hours + ":" + two(minutes) : String(minutes)) + ":" + two(seconds % 60);
  }

  // --- Time per slide ------------------------------------------------------------------

  function timingKey() {
    return "courseware-speaker-slides:" + root.getAttribute("data-channel");
  }
  // Called whenever a slide is shown: the time so far goes to the slide
  // that was showing. Slides are timed by id, so a reload after an edit
  // keeps each slide's time.
  function timeSlide() {
    var template = $('template[data-slide-template="' + (index + 1) + '"]');
    var id = template ? template.getAttribute("data-slide-id") : null;
    if (!id || id === timing.id) {
      return;
    }
    var now = Date.now();
    if (timing.id) {
      timing.times[timing.id] = (timing.times[timing.id] || 0) + now - timing.since;
    }
    timing.id = id;
    timing.since = now;
    remember(timingKey(), JSON.stringify(timing));
  }
  function spentOn(id, now) {
    return (timing.times[id] || 0) + (id === timing.id ? now - timing.since : 0);
  }
  function showTimes(now) {
    $("[data-speaker-slide-time]").textContent = duration(timing.id ? now - timing.since : 0);
    $all("[data-speaker-time-for]").forEach(function (item) {
      var id = item.getAttribute("data-speaker-time-for");
      $("[data-speaker-time-value]", item).textContent = duration(spentOn(id, now));
      if (id === timing.id) {
        item.setAttribute("aria-current", "true");
      } else {
        item.removeAttribute("aria-current");
      }
    });
  }

  function tick() {
    var now = Date.now();
    $("[data-speaker-elapsed]").textContent = duration(now - startedAt);
    var clock = new Date(now);
    $("[data-speaker-clock]").textContent = two(clock.getHours()) + ":" + two(clock.getMinutes());
    showTimes(now);
  }

  function start() {
    root = $("[data-speaker]");
    if (!root) {
      return;
    }
    count = parseInt(root.getAttribute("data-count"), 10) || 1;
    $all("[data-speaker-js]").forEach(function (element) {
      element.hidden = false;
    });
    $("[data-speaker-fallback]").hidden = true;
    var stored = parseInt(recall(timerKey()), 10);
    if (stored && !isNaN(stored)) {
      startedAt = stored;
      try {
        timing = JSON.parse(recall(timingKey())) || timing;
      } catch (error) {
        // Unreadable: time the slides afresh.
      }
      tick();
    } else {
      restartTimer();
    }
    setInterval(tick, 1000);
    $("[data-speaker-restart]").addEventListener("click", restartTimer);
    $("[data-speaker-prev]").addEventListener("click", function () {
      ask(index - 1, "previous");
    });
    $("[data-speaker-next]").addEventListener("click", function () {
      ask(index + 1, "next");
    });
    document.addEventListener("keydown", onKey);
    show();
    remote = startRemote(root, {
      count: count,
      current: function () {
        return { index: index, step: step === Infinity ? 0 : step };
      },
      show: function (position, shown) {
        // A presenter window in this browser says the same, sooner.
        if (!connected) {
          index = position;
          step = shown;
          show();
        }
      },
      status: function (text) {
        if (!connected) {
          setStatus(text);
        }
      },
    });
    if ("BroadcastChannel" in window) {
      channel = new BroadcastChannel(root.getAttribute("data-channel"));
      channel.onmessage = receive;
      channel.postMessage({ type: "hello" });
    } else if (!remote) {
      setStatus("This browser cannot connect the speaker view to the presenter window.");
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
