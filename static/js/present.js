// The slide deck, for the presenter page (data-deck="presenter") and a
// student's follow-along page (data-deck="follower"). Without this file both
// pages show every slide one under another, which still reads and prints.
import { $, $all, activating, slideFor } from "./deck-keys.js";

(function () {
  "use strict";

  var deck, slides, count, index = 0, role;
  var typed = "", typedTimer = null;
  var channel = null;
  var follow = { live: 1, following: true, ended: false };
  var mover = { url: null, sending: false, sent: null, wanted: null };


  // --- Showing a slide -------------------------------------------------------

  function slideFromHash() {
    var match = /^#slide-(\d+)$/.exec(window.location.hash);
    if (!match) {
      return null;
    }
    var number = parseInt(match[1], 10);
    return number >= 1 && number <= count ? number - 1 : null;
  }

  function go(target, options) {
    options = options || {};
    target = Math.max(0, Math.min(count - 1, target));
    var changed = target !== index;
    index = target;
    slides.forEach(function (slide, position) {
      slide.hidden = position !== index;
    });
    $("[data-deck-number]").textContent = String(index + 1);
    $("[data-deck-progress]").value = index + 1;
    $("[data-deck-prev]").disabled = index === 0;
    $("[data-deck-next]").disabled = index === count - 1;
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
    revealDemos();
    fitSlide();
    var current = $("[data-current-slide]");
    if (current) {
      current.value = String(index + 1);
    }
    if (role === "presenter") {
      broadcast({ type: "slide", index: index });
      sendMove();
    } else if (!options.fromLive) {
      // A student who pages away stops following; paging back onto the
      // live slide follows again.
      follow.following = index + 1 === follow.live;
      showFollowState();
    }
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
    var bar = $(".deck-bar");
    var followBar = $(".follow-bar");
    var room = window.innerHeight - (bar ? bar.offsetHeight : 0) - (followBar ? followBar.offsetHeight : 0);
    deck.style.setProperty("--slide-height", room + "px");
    var style = getComputedStyle(slide);
    var inner = slide.querySelector(".slide-fit");
    var space = room - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    // offsetHeight ignores the transform: this is the unscaled height.
    var scale = Math.min(1, space / inner.offsetHeight);
    inner.style.setProperty("--slide-scale", String(scale));
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
    window.addEventListener("resize", fitSlide);
    if (window.ResizeObserver) {
      // A demo that loads, answers a click or opens its trace changes size.
      var observer = new ResizeObserver(fitSlide);
      $all(".slide-fit", deck).forEach(function (inner) {
        observer.observe(inner);
      });
    }
    var print = window.matchMedia("print");
    print.addEventListener("change", function () {
      if (print.matches) {
        fitForPrint();
      }
    });
    window.addEventListener("beforeprint", fitForPrint);
  }

  // htmx loads a demo when it is "revealed", which it checks when the
  // window scrolls. Showing a slide moves nothing, so say it did; htmx
  // then loads any demo that is now on screen (or hidden: hidden elements
  // count as revealed, so they load too and are ready when shown).
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
    var wanted = slideFor(event, index, count);
    if (wanted !== null) {
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
    screen.hidden = !screen.hidden;
    $("[data-deck-announce]").textContent = screen.hidden ? "Slide shown again" : "Screen blacked out";
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

  // One move request at a time, always for the latest slide, so fast
  // paging can never leave the class on an older slide.
  function sendMove() {
    var panel = $("[data-follow-panel]");
    mover.url = panel ? panel.getAttribute("data-move-url") : null;
    if (!mover.url || !window.htmx) {
      return;
    }
    mover.wanted = index + 1;
    if (mover.sending || mover.sent === mover.wanted) {
      return;
    }
    mover.sending = true;
    var slide = mover.wanted;
    window.htmx
      .ajax("POST", mover.url, { source: panel, swap: "none", values: { slide: String(slide) } })
      .then(
        function () {
          mover.sent = slide;
        },
        function () {}
      )
      .then(function () {
        mover.sending = false;
        if (mover.wanted !== mover.sent) {
          sendMove();
        }
      });
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
      if (stage && stage.hasAttribute("data-hx-revealed")) {
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
        broadcast({ type: "state", index: index, demos: demoStates() });
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
    broadcast({ type: "state", index: index, demos: demoStates() });
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
  function readFollowState(announce) {
    var state = $("#follow-state");
    if (!state) {
      return;
    }
    if (state.hasAttribute("data-ended")) {
      follow.ended = true;
      follow.following = false;
      showFollowState();
      return;
    }
    var live = parseInt(state.getAttribute("data-live-slide"), 10);
    if (!isNaN(live)) {
      follow.live = Math.max(1, Math.min(count, live));
    }
    if (follow.following && index + 1 !== follow.live) {
      go(follow.live - 1, { fromLive: true, announce: announce });
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
    follow.live = state ? parseInt(state.getAttribute("data-live-slide"), 10) || 1 : 1;
    follow.following = fromHash === null || fromHash + 1 === follow.live;
    document.body.addEventListener("htmx:configRequest", function (event) {
      if (event.detail.elt && event.detail.elt.id === "follow-state") {
        var etag = event.detail.elt.getAttribute("data-etag");
        if (etag) {
          // The server answers 304 with no body while the slide is the same.
          event.detail.headers["If-None-Match"] = etag;
        }
      }
    });
    document.body.addEventListener("htmx:beforeSwap", function (event) {
      if (event.detail.elt && event.detail.elt.id === "follow-state") {
        var status = event.detail.xhr.status;
        // Keep the poller on 304 (nothing new) and on any error, so a
        // hiccup on the way does not stop following.
        if (status !== 200 && status !== 286) {
          event.detail.shouldSwap = false;
        }
      }
    });
    document.body.addEventListener("htmx:afterSettle", function (event) {
      if ($("#follow-state") && event.detail.elt && (event.detail.elt.id === "follow-state" || event.detail.target.id === "follow-state")) {
        readFollowState(true);
      }
    });
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

    var first;
    if (role === "follower") {
      first = setUpFollowing();
    } else {
      var panel = $("[data-follow-panel]");
      var live = panel ? parseInt(panel.getAttribute("data-live-slide"), 10) : NaN;
      if (!isNaN(live)) {
        // The class is already there; no need to tell the server again.
        mover.sent = live;
      }
      first = slideFromHash();
      if (first === null) {
        // Back on the page of a running session: start where the class is.
        first = isNaN(live) ? 0 : live - 1;
      }
      togglePanel(false);
    }
    setUpFitting();
    index = -1;
    go(first);

    $("[data-deck-prev]").addEventListener("click", function () {
      go(index - 1);
    });
    $("[data-deck-next]").addEventListener("click", function () {
      go(index + 1);
    });
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
        }
      });
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
