// The slide deck, for the presenter page (data-deck="presenter") and a
// student's follow-along page (data-deck="follower"). Without this file both
// pages show every slide one under another, which still reads and prints.
import { csrfToken } from "./csrf.js";
import { $, $all, activating, direction, slideFor } from "./deck-keys.js";
import { pollState, watchClass } from "./class-state.js";
import { loadDemoScripts } from "./demo-scripts.js";
import { deviceId } from "./device.js";

(function () {
  "use strict";

  var deck, slides, count, index = 0, role;
  var typed = "", typedTimer = null;
  var channel = null;
  // step: how many of the current slide's reveal items show (see showStep()).
  var step = 0, blackout = false;
  var follow = { live: 1, key: null, step: 0, blackout: false, following: true, ended: false };
  var mover = { url: null, sending: false, sent: null, wanted: null };
  var beater = { url: null, timer: null };


  // --- Showing a slide -------------------------------------------------------

  function slideFromHash() {
    var match = /^#slide-(\d+)$/.exec(window.location.hash);
    if (!match) {
      return null;
    }
    var number = parseInt(match[1], 10);
    return number >= 1 && number <= count ? number - 1 : null;
  }

  // options.step: how many reveal items to show (default: none on a new
  // slide, all when coming back to one with "previous").
  function go(target, options) {
    options = options || {};
    target = Math.max(0, Math.min(count - 1, target));
    var changed = target !== index;
    if (typeof options.step === "number") {
      step = options.step;
    } else if (changed) {
      step = target < index ? revealItems(target).length : 0;
    }
    index = target;
    slides.forEach(function (slide, position) {
      slide.hidden = position !== index;
    });
    $("[data-deck-number]").textContent = String(index + 1);
    $("[data-deck-progress]").value = index + 1;
    $all("[data-go]").forEach(function (link) {
      if (parseInt(link.getAttribute("data-go"), 10) === index + 1) {
        link.setAttribute("aria-current", "true");
      } else {
        link.removeAttribute("aria-current");
      }
    });
    // replaceState: the Back button leaves the deck instead of walking it.
    if (window.location.hash !== "#slide-" + (index + 1)) {
      history.replaceState(null, "", "#slide-" + (index + 1));
    }
    if (changed || options.announce) {
      var title = slides[index].getAttribute("aria-label");
      $("[data-deck-announce]").textContent = "Slide " + title;
      window.scrollTo(0, 0);
    }
    loadShownDemos();
    showStep();
    watchSize();
    var current = $("[data-current-slide]");
    if (current) {
      current.value = String(index + 1);
    }
    if (role === "presenter") {
      broadcast({ type: "slide", index: index, step: step });
      sendMove();
    } else if (!options.fromLive) {
      // A student who pages away stops following; paging back onto the
      // live slide follows again.
      follow.following = index + 1 === follow.live;
      showFollowState();
    }
  }

  // --- Revealing a list item by item ---------------------------------------------

  // The items of a /// reveal block's list (lessons/rendering/blocks/reveal.py)
  // appear one per "next" key before the deck moves on. Hidden items keep
  // their space (visibility), so the slide does not jump as they appear.
  function revealItems(position) {
    var slide = slides[position];
    return slide ? $all(".slide-reveal > ul > li, .slide-reveal > ol > li", slide) : [];
  }
  function showStep() {
    var items = revealItems(index);
    step = Math.max(0, Math.min(step, items.length));
    var shown = step;
    if (role === "follower") {
      // On the class's slide, the items the presenter has shown; on any
      // other slide a student pages to, all of them.
      var onLive = follow.following && !follow.ended && index + 1 === follow.live;
      shown = onLive ? follow.step : items.length;
    }
    items.forEach(function (item, position) {
      item.classList.toggle("reveal-pending", position >= shown);
    });
    // On the last slide, Next still has items to show.
    var stepping = role === "presenter";
    $("[data-deck-prev]").disabled = index === 0 && !(stepping && step > 0);
    $("[data-deck-next]").disabled = index === count - 1 && !(stepping && step < items.length);
  }
  function forward() {
    if (role === "presenter" && step < revealItems(index).length) {
      step += 1;
      showStep();
      broadcast({ type: "slide", index: index, step: step });
      sendMove();
      return;
    }
    go(index + 1);
  }
  function backward() {
    if (role === "presenter" && step > 0) {
      step -= 1;
      showStep();
      broadcast({ type: "slide", index: index, step: step });
      sendMove();
      return;
    }
    go(index - 1);
  }

  // --- Fitting slides ----------------------------------------------------------

  // A slide is laid out at its natural size, then scaled down as one piece
  // until it fits between the bars: a demo slide reads whole on a
  // 1280x720 projector instead of running below the fold.
  function fitSlide() {
    var slide = slides[index];
    if (!slide) {
      return;
    }
    var inner = slide.querySelector(".slide-fit");
    var bar = $(".deck-bar");
    var followBar = $(".follow-bar");
    // Every size is read before anything is written: a read after a write
    // would make the browser lay the page out once more to answer it.
    var room = window.innerHeight - (bar ? bar.offsetHeight : 0) - (followBar ? followBar.offsetHeight : 0);
    var style = getComputedStyle(slide);
    var space = room - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    // offsetHeight ignores the transform: this is the unscaled height.
    var natural = inner.offsetHeight;
    deck.style.setProperty("--slide-height", room + "px");
    inner.style.setProperty("--slide-scale", String(Math.min(1, space / natural)));
    // Scaled down, a demo further down the slide may now be on screen.
    revealDemos();
  }

  // Only the slide on screen is fitted, and when the browser has just laid
  // it out: a ResizeObserver calls back after layout and before the frame
  // is painted, so the sizes are there to read and the slide never shows
  // unfitted. It watches the slide (a demo that loads, answers a click or
  // opens its trace changes its size) and the bars (a reload prompt or a
  // wrapped row changes the room).
  var sizes = null;
  function watchSize() {
    if (!sizes) {
      fitSlide();
      return;
    }
    sizes.disconnect();
    sizes.observe(slides[index].querySelector(".slide-fit"));
    $all(".deck-bar, .follow-bar", deck).forEach(function (bar) {
      sizes.observe(bar);
    });
  }

  // Printed, each slide gets one page (css/present-print.css gives every
  // slide a page's height); a taller one is scaled to fit it, demos as they
  // are now. Called while the print styles apply, so it measures those.
  function fitForPrint() {
    slides.forEach(function (slide) {
      var inner = slide.querySelector(".slide-fit");
      var scale = Math.min(1, slide.clientHeight / inner.offsetHeight);
      inner.style.setProperty("--print-scale", String(scale));
    });
  }

  function setUpFitting() {
    // A trace on a slide starts closed: it would push the demo off the screen.
    $all(".deck-slides details[data-inspector]").forEach(function (details) {
      details.open = false;
    });
    // A window only made taller or shorter resizes nothing watched.
    window.addEventListener("resize", fitSlide);
    if (window.ResizeObserver) {
      sizes = new ResizeObserver(fitSlide);
    }
    var print = window.matchMedia("print");
    print.addEventListener("change", function () {
      if (print.matches) {
        fitForPrint();
      }
    });
    window.addEventListener("beforeprint", fitForPrint);
  }

  // --- A slide's demos load when the slide is shown -------------------------------

  // htmx loads a demo when it is "revealed", and a hidden element counts as
  // revealed, so every demo of the deck would load at once: seconds of a
  // phone's work, and a trace each, for slides nobody may reach. A demo on
  // a hidden slide is held back instead, until its slide is shown; until
  // then it is its link, as a lesson's demos are until they come near.
  var held = new Set();
  function holdHiddenDemos() {
    // On the slides, so it runs before the page's other htmx:confirm
    // listeners (demos.js, csrf.js, on the document): a load held here was
    // neither counted nor held by them.
    $(".deck-slides", deck).addEventListener("htmx:confirm", function (event) {
      var stage = event.detail.elt;
      if (stage.classList.contains("demo-stage") && stage.closest(".slide").hidden) {
        event.preventDefault();
        held.add(stage);
      }
    });
  }
  function loadShownDemos() {
    var stages = $all(".demo-stage", slides[index]);
    // htmx itself comes with the first slide that has a demo
    // (demo-scripts.js): a class may never reach one. Once running, htmx
    // loads the shown slide's demos as revealed, and holds the others.
    if (stages.length && !window.htmx) {
      loadDemoScripts().catch(function () {
        // Offline, say: each demo stays its link, which still works.
      });
      return;
    }
    stages.forEach(function (stage) {
      // "revealed" again, not the held request: htmx would send that one
      // past the other listeners, this passes them as a first load does.
      if (held.delete(stage) && window.htmx) {
        window.htmx.trigger(stage, "revealed");
      }
    });
  }

  // htmx beside the slides: the presenter's follow-along panel, or a
  // student's poll open on arrival. These need htmx at once.
  function formsOutsideTheSlides() {
    return $all("[hx-get], [hx-post]", deck).some(function (element) {
      return !element.closest(".deck-slides");
    });
  }

  // htmx checks what is revealed when the window scrolls. Fitting a slide
  // moves things without scrolling, so say it did: htmx then loads a demo
  // that fitting brought on screen.
  function revealDemos() {
    window.dispatchEvent(new Event("scroll"));
  }

  // --- Keys ------------------------------------------------------------------

  function typing(element) {
    if (!element || element === document.body) {
      return false;
    }
    if (element.isContentEditable) {
      return true;
    }
    var tag = element.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function onKey(event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var target = event.target;
    if (typing(target)) {
      return;
    }
    var key = event.key;
    if (/^[0-9]$/.test(key)) {
      typed += key;
      clearTimeout(typedTimer);
      typedTimer = setTimeout(function () {
        typed = "";
      }, 2000);
      return;
    }
    if (key === "Enter" && typed) {
      event.preventDefault();
      var wanted = parseInt(typed, 10) - 1;
      typed = "";
      go(wanted);
      return;
    }
    typed = "";
    if ((key === " " || key === "Enter") && activating(target)) {
      return;
    }
    var handled = true;
    var way = direction(event);
    var wanted = slideFor(event, index, count);
    if (way === "next") {
      forward();
    } else if (way === "previous") {
      backward();
    } else if (wanted !== null) {
      go(wanted);
    } else if (key === "o" || key === "O") {
      toggleOverview();
    } else if (key === "Escape" && !$("[data-deck-overview]").hidden) {
      toggleOverview(false);
    } else if ((key === "b" || key === "B" || key === ".") && role === "presenter") {
      toggleBlackout();
    } else if (key === "f" || key === "F") {
      toggleFullscreen();
    } else if ((key === "s" || key === "S") && $("[data-deck-speaker]")) {
      openSpeaker();
    } else if ((key === "l" || key === "L") && role === "follower") {
      backToLive();
    } else {
      handled = false;
    }
    if (handled) {
      event.preventDefault();
    }
  }

  // --- Overview, fullscreen, panels ---------------------------------------------

  function toggleOverview(open) {
    var overview = $("[data-deck-overview]");
    var button = $("[data-deck-overview-toggle]");
    if (typeof open !== "boolean") {
      open = overview.hidden;
    }
    overview.hidden = !open;
    deck.classList.toggle("deck-overview-open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      var current = $('[data-go="' + (index + 1) + '"]', overview);
      if (current) {
        current.focus();
      }
    } else {
      button.focus();
    }
  }

  // B (or ".", the key a clicker's "blank" button sends) blacks the
  // projector out, so the room looks at the speaker; B again brings the
  // slide back. The deck underneath stays as it was, demos included.
  function toggleBlackout() {
    setBlackout(!blackout);
    sendMove();
  }
  function setBlackout(on) {
    blackout = on;
    var screen = $("[data-deck-blackout]");
    if (!screen) {
      screen = document.createElement("div");
      screen.className = "deck-blackout";
      screen.setAttribute("data-deck-blackout", "");
      screen.hidden = true;
      var words = document.createElement("p");
      words.className = "visually-hidden";
      words.textContent = "The screen is blacked out. Press B to show the slide again.";
      screen.appendChild(words);
      deck.appendChild(screen);
    }
    if (screen.hidden === !on) {
      return;
    }
    screen.hidden = !on;
    $("[data-deck-announce]").textContent = on ? "Screen blacked out" : "Slide shown again";
    broadcast({ type: "blackout", on: on });
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else if (document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(function () {});
    }
  }

  function openSpeaker() {
    var link = $("[data-deck-speaker]");
    window.open(link.href, "courseware-speaker", "popup,width=1200,height=760");
  }

  function togglePanel(open) {
    var panel = $("[data-follow-panel]");
    var button = $("[data-deck-follow-toggle]");
    if (!panel || !button) {
      return;
    }
    if (typeof open !== "boolean") {
      open = panel.hidden;
    }
    panel.hidden = !open;
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  // --- The presenter moves the class ----------------------------------------------

  // What the class should see, as the move request sends it.
  function classState(slide, shown, dark) {
    return { slide: String(slide), step: String(shown), blackout: dark ? "1" : "0" };
  }
  function sameState(a, b) {
    return Boolean(a && b) && a.slide === b.slide && a.step === b.step && a.blackout === b.blackout;
  }

  function post(url, values) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() || "" },
      body: new URLSearchParams(values),
    });
  }

  // One move request at a time, always for the latest state, so fast
  // paging can never leave the class on an older slide. Each move also
  // names the slide by id and this page's deck, so after an edit during
  // class the server finds the same slide in the new deck (or answers 409).
  function sendMove() {
    var panel = $("[data-follow-panel]");
    mover.url = panel ? panel.getAttribute("data-move-url") : null;
    if (!mover.url) {
      return;
    }
    mover.wanted = classState(index + 1, step, blackout);
    if (mover.sending || sameState(mover.sent, mover.wanted)) {
      return;
    }
    mover.sending = true;
    if (remote) {
      remote.moved();
    }
    var wanted = mover.wanted;
    var values = {
      slide: wanted.slide,
      step: wanted.step,
      blackout: wanted.blackout,
      key: slides[index].getAttribute("data-slide-id"),
      deck: deck.getAttribute("data-deck-digest"),
    };
    post(mover.url, values)
      .then(function (response) {
        if (response.ok) {
          mover.sent = wanted;
        } else if (response.status === 409) {
          // Ended, or the lesson changed and this slide is gone: the next
          // heartbeat says which; stop retrying this state.
          mover.sent = wanted;
          beat();
        }
      }, function () {})
      .then(function () {
        mover.sending = false;
        if (!sameState(mover.wanted, mover.sent)) {
          sendMove();
        }
      });
  }

  // --- A remote moves the class too --------------------------------------------------

  // The speaker view on another device (the instructor's phone) moves the
  // class through the server; this page follows such moves as a student's
  // page does. Moves of its own are never undone by an older answer.
  var remote = null;
  function followRemote() {
    if (remote) {
      remote.stop();
      remote = null;
    }
    var panel = $("[data-follow-panel]");
    var url = panel ? panel.getAttribute("data-state-url") : null;
    if (!url) {
      return;
    }
    remote = watchClass(url, function (state) {
      if (state.ended) {
        return;
      }
      var position = slides.findIndex(function (slide) {
        return state.key && slide.getAttribute("data-slide-id") === state.key;
      });
      if (position < 0) {
        position = Math.max(0, Math.min(count - 1, state.slide - 1));
      }
      var seen = classState(position + 1, state.step, state.blackout);
      if (sameState(seen, mover.sent)) {
        return;
      }
      // Already where the class is: go() then sends nothing back.
      mover.sent = seen;
      setBlackout(state.blackout);
      go(position, { step: state.step });
    }, function () {
      return mover.sending || (mover.wanted !== null && !sameState(mover.wanted, mover.sent));
    });
  }

  // --- Heartbeat: the session stays live while this page is open -----------------------

  var BEAT_EVERY = 5000;

  function showFollowers(text) {
    var badge = $("[data-deck-followers]");
    if (badge) {
      badge.textContent = text;
      badge.hidden = !text;
    }
    var inPanel = $("[data-follow-count]");
    if (inPanel && text) {
      inPanel.textContent = text;
    }
  }
  function followersShown() {
    var badge = $("[data-deck-followers]");
    return badge && !badge.hidden ? badge.textContent : "";
  }
  function followersText(number) {
    if (number === 0) {
      return "Nobody following yet";
    }
    return number + (number === 1 ? " device" : " devices") + " following";
  }
  function showReload(latest) {
    var prompt = $("[data-deck-reload]");
    if (prompt && latest && latest !== deck.getAttribute("data-deck-digest")) {
      prompt.hidden = false;
    }
  }
  function sessionEnded() {
    stopBeating();
    var panel = $("[data-follow-panel]");
    if (panel) {
      panel.removeAttribute("data-move-url");
    }
    showFollowers("Follow-along ended");
    broadcast({ type: "followers", text: "Follow-along ended" });
  }
  function beat() {
    if (!beater.url) {
      return;
    }
    post(beater.url, {})
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (answer) {
        if (!answer) {
          return;
        }
        showReload(answer.deck);
        if (!answer.live) {
          sessionEnded();
          return;
        }
        var text = followersText(answer.followers);
        showFollowers(text);
        broadcast({ type: "followers", text: text });
      }, function () {});
  }
  function stopBeating() {
    clearInterval(beater.timer);
    beater.timer = null;
    beater.url = null;
  }
  function startBeating() {
    stopBeating();
    var panel = $("[data-follow-panel]");
    beater.url = panel ? panel.getAttribute("data-beat-url") : null;
    if (!beater.url) {
      showFollowers("");
      return;
    }
    beat();
    beater.timer = setInterval(beat, BEAT_EVERY);
    followRemote();
  }
  // Closing the tab (or reloading) says so; the server ends the session a
  // little later unless a presenter page beats again.
  function onPageHide(event) {
    if (!beater.url || event.persisted || !navigator.sendBeacon) {
      return;
    }
    var form = new FormData();
    form.append("closing", "1");
    form.append("csrfmiddlewaretoken", csrfToken() || "");
    navigator.sendBeacon(beater.url, form);
  }

  // --- The speaker view, over a BroadcastChannel ------------------------------------

  function broadcast(message) {
    if (channel) {
      channel.postMessage(message);
    }
  }
  function demoStates() {
    var states = {};
    $all(".deck .demo").forEach(function (figure) {
      var stage = $(".demo-stage", figure);
      if (stage && stage.hasAttribute("data-hx-revealed") && !held.has(stage)) {
        states[figure.id] = stage.innerHTML;
      }
    });
    return states;
  }
  function setUpChannel() {
    if (!("BroadcastChannel" in window)) {
      return;
    }
    channel = new BroadcastChannel(deck.getAttribute("data-channel"));
    channel.onmessage = function (event) {
      var message = event.data || {};
      if (message.type === "hello") {
        broadcast({ type: "state", index: index, step: step, blackout: blackout, followers: followersShown(), demos: demoStates() });
      } else if (message.type === "next") {
        forward();
      } else if (message.type === "previous") {
        backward();
      } else if (message.type === "go" && typeof message.index === "number") {
        go(message.index);
      }
    };
    // Copy each demo's new state to the speaker view after every swap.
    document.body.addEventListener("htmx:afterSettle", function (event) {
      var stage = event.detail.target;
      var figure = stage && stage.closest ? stage.closest(".demo") : null;
      if (figure && stage.classList.contains("demo-stage")) {
        broadcast({ type: "demo", id: figure.id, html: stage.innerHTML });
      }
    });
    broadcast({ type: "state", index: index, step: step, blackout: blackout, followers: followersShown(), demos: demoStates() });
  }

  // --- A follower keeps up with the presenter ------------------------------------------

  function showFollowState() {
    var jump = $("[data-follow-jump]");
    if (jump) {
      jump.hidden = follow.ended || (follow.following && index + 1 === follow.live);
      jump.textContent = "Back to live (slide " + follow.live + ")";
    }
    deck.classList.toggle("deck-following", follow.following && !follow.ended);
  }
  // The class's slide in this page's deck: found by its id, so a page
  // loaded before an edit still follows the right slide when it can.
  function liveIndexOf(state) {
    var key = state.getAttribute("data-live-key");
    for (var position = 0; position < count; position++) {
      if (key && slides[position].getAttribute("data-slide-id") === key) {
        return position;
      }
    }
    var live = parseInt(state.getAttribute("data-live-slide"), 10);
    return isNaN(live) ? follow.live - 1 : Math.max(0, Math.min(count - 1, live - 1));
  }
  // Copies the polled state into `follow`; says whether the pause changed.
  function parseState(state) {
    follow.live = liveIndexOf(state) + 1;
    follow.step = parseInt(state.getAttribute("data-step"), 10) || 0;
    var dark = state.hasAttribute("data-blackout");
    var changed = dark !== follow.blackout;
    follow.blackout = dark;
    // Another deck digest: the lesson was edited after this page loaded.
    var latest = state.getAttribute("data-deck");
    var prompt = $("[data-deck-reload]");
    if (prompt && prompt.hidden && latest && latest !== deck.getAttribute("data-deck-digest")) {
      // The bar grows, and the slide is fitted to the room left (watchSize).
      prompt.hidden = false;
    }
    return changed;
  }
  function showPause() {
    var pause = $("[data-follow-blackout]");
    if (pause) {
      pause.hidden = !follow.blackout || follow.ended;
    }
  }
  // A new state from the server replaces the one on the page; poll.js
  // then fetches the class's question if it changed.
  function showNewState(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    var fresh = template.content.querySelector("#follow-state");
    var shown = $("#follow-state");
    if (fresh && shown) {
      shown.replaceWith(fresh);
      readFollowState(true);
      document.dispatchEvent(new CustomEvent("courseware:follow-state"));
    }
  }
  function readFollowState(announce) {
    var state = $("#follow-state");
    if (!state) {
      return;
    }
    if (state.hasAttribute("data-ended")) {
      follow.ended = true;
      follow.following = false;
      showPause();
      showStep();
      showFollowState();
      $("[data-deck-announce]").textContent = "The presenter has ended this session.";
      return;
    }
    if (parseState(state)) {
      showPause();
      $("[data-deck-announce]").textContent = follow.blackout
        ? "Paused: the presenter has blanked the screens."
        : "The presenter carries on.";
    }
    if (follow.following && index + 1 !== follow.live) {
      go(follow.live - 1, { fromLive: true, announce: announce });
    } else {
      showStep();
    }
    showFollowState();
  }
  function backToLive() {
    if (follow.ended) {
      return;
    }
    follow.following = true;
    go(follow.live - 1, { fromLive: true });
    showFollowState();
  }
  function setUpFollowing() {
    var fromHash = slideFromHash();
    var state = $("#follow-state");
    if (state && !state.hasAttribute("data-ended")) {
      parseState(state);
      showPause();
    }
    follow.following = fromHash === null || fromHash + 1 === follow.live;
    if (state && state.hasAttribute("data-state-url")) {
      pollState(state.getAttribute("data-state-url"), showNewState, {
        // The page came with the state: nothing to ask for a second.
        etag: state.getAttribute("data-etag"),
        // Counts this screen for the presenter (lessons/following.py).
        headers: function () {
          return { "X-Courseware-Device": deviceId() };
        },
        // A student who looks at another tab for a moment still counts.
        whileHidden: true,
      });
    }
    var jump = $("[data-follow-jump]");
    if (jump) {
      jump.addEventListener("click", function (event) {
        event.preventDefault();
        backToLive();
      });
    }
    return fromHash === null ? follow.live - 1 : fromHash;
  }

  // --- Start ------------------------------------------------------------------------

  function start() {
    deck = $("[data-deck]");
    if (!deck) {
      return;
    }
    role = deck.getAttribute("data-deck");
    slides = $all(".slide", deck);
    count = slides.length;
    deck.classList.add("deck-js");
    $all("[data-deck-prev], [data-deck-next], [data-deck-overview-toggle], [data-deck-follow-toggle], [data-deck-keys]").forEach(function (element) {
      element.hidden = false;
    });
    var fullscreen = $("[data-deck-fullscreen]");
    fullscreen.hidden = !document.fullscreenEnabled;
    $("[data-deck-overview]").hidden = true;

    var first, firstStep = 0;
    if (role === "follower") {
      first = setUpFollowing();
      firstStep = follow.step;
    } else {
      var panel = $("[data-follow-panel]");
      var live = panel ? parseInt(panel.getAttribute("data-live-slide"), 10) : NaN;
      var liveStep = panel ? parseInt(panel.getAttribute("data-live-step"), 10) || 0 : 0;
      if (!isNaN(live)) {
        // The class is already there; no need to tell the server again.
        mover.sent = classState(live, liveStep, panel.hasAttribute("data-live-blackout"));
        setBlackout(panel.hasAttribute("data-live-blackout"));
      }
      first = slideFromHash();
      if (first === null) {
        // Back on the page of a running session: start where the class is.
        first = isNaN(live) ? 0 : live - 1;
      }
      firstStep = first === live - 1 ? liveStep : 0;
      // Closed on a fresh page; open after a start or end that reloaded
      // it (pressed before htmx had loaded), so the presenter sees it done.
      togglePanel(Boolean(panel) && panel.hasAttribute("data-open"));
    }
    setUpFitting();
    holdHiddenDemos();
    if (formsOutsideTheSlides()) {
      loadDemoScripts().catch(function () {
        // They still work as plain forms, reloading the page.
      });
    }
    index = -1;
    go(first, { step: firstStep });

    $("[data-deck-prev]").addEventListener("click", backward);
    $("[data-deck-next]").addEventListener("click", forward);
    $("[data-deck-overview-toggle]").addEventListener("click", function () {
      toggleOverview();
    });
    fullscreen.addEventListener("click", toggleFullscreen);
    $all("[data-go]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        go(parseInt(link.getAttribute("data-go"), 10) - 1);
        toggleOverview(false);
      });
    });
    var speakerLink = $("[data-deck-speaker]");
    if (speakerLink) {
      speakerLink.addEventListener("click", function (event) {
        event.preventDefault();
        openSpeaker();
      });
    }
    var followToggle = $("[data-deck-follow-toggle]");
    if (followToggle) {
      followToggle.addEventListener("click", function () {
        togglePanel();
      });
      // After starting or ending, the swapped panel says whether moves go
      // to a session; tell it where the class should be right away.
      document.body.addEventListener("htmx:afterSettle", function (event) {
        if (event.detail.target && event.detail.target.id === "follow-panel") {
          mover.sent = null;
          togglePanel(true);
          sendMove();
          startBeating();
        }
      });
      startBeating();
      window.addEventListener("pagehide", onPageHide);
    }
    window.addEventListener("hashchange", function () {
      var wanted = slideFromHash();
      if (wanted !== null && wanted !== index) {
        go(wanted);
      }
    });
    document.addEventListener("keydown", onKey);
    if (role === "presenter") {
      setUpChannel();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
