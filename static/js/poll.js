// Live polls (lessons/polls.py) on the follow-along and presenter pages.
//
// A student's page already asks the server every second where the class
// is (#follow-state, see present.js). That answer carries a poll stamp,
// which changes when the presenter asks, reveals or closes a question;
// only then is the student's poll fetched again, so an answer being
// chosen is never swapped away by a poll that did not change.
//
// On the presenter's page, the poll panel offers the checks of the slide
// on screen, so it is fetched again when the slide changes.
import { $, $all } from "./deck-keys.js";
import { loadDemoScripts } from "./demo-scripts.js";

(function () {
  "use strict";

  function refreshStudentPoll() {
    var state = $("#follow-state");
    var poll = $("#poll");
    var region = $("[data-poll-region]");
    if (!state || !poll || !region || !state.hasAttribute("data-poll")) {
      return;
    }
    if (state.getAttribute("data-poll") !== poll.getAttribute("data-poll-stamp")) {
      // htmx may not be loaded yet: a class that sees no demo and no poll
      // never needs it (demo-scripts.js).
      loadDemoScripts().then(
        function () {
          window.htmx.ajax("GET", region.getAttribute("data-poll-url"), { target: "#poll", swap: "outerHTML" });
        },
        function () {
          // Offline: the next state from the server tries again.
        }
      );
    }
  }

  // After the reveal a student may put the answer away; the next poll
  // the presenter asks shows again (a new fragment).
  function offerHide() {
    var button = $("[data-poll-hide]");
    // Hidden: a new button, not yet set up.
    if (button && button.hidden) {
      button.hidden = false;
      button.addEventListener("click", function () {
        $("#poll").hidden = true;
      });
    }
  }

  function currentSlide() {
    var shown = $all(".deck-slides .slide").filter(function (slide) {
      return !slide.hidden;
    });
    return shown.length === 1 ? shown[0].getAttribute("data-slide") : null;
  }

  // The panel names the slide whose checks it offers (data-poll-slide).
  // It is fetched again until that is the slide on screen, one request at
  // a time, so fast paging ends on the right slide's checks.
  var loading = false;
  function syncPresenterPanel() {
    var panel = $("#poll-panel");
    var slide = currentSlide();
    var url = panel ? panel.getAttribute("data-poll-panel-url") : null;
    // A poll that is running stays, whatever the slide.
    if (loading || !url || !window.htmx || slide === null || $("#poll-results", panel)) {
      return;
    }
    if (panel.getAttribute("data-poll-slide") === slide) {
      return;
    }
    loading = true;
    window.htmx
      .ajax("GET", url + "?slide=" + slide, { target: "#poll-panel", swap: "outerHTML" })
      .then(
        function () {
          loading = false;
          syncPresenterPanel();
        },
        function () {
          loading = false;
        }
      );
  }

  function watchPresenterSlides() {
    var slides = $(".deck-slides");
    if (!slides || !window.MutationObserver) {
      return;
    }
    new MutationObserver(syncPresenterPanel).observe(slides, {
      attributes: true,
      attributeFilter: ["hidden"],
      subtree: true,
    });
    // The panel first arrives by htmx (hx-trigger="load"), showing the class's slide.
    document.body.addEventListener("htmx:afterSettle", syncPresenterPanel);
  }

  function start() {
    var deck = $("[data-deck]");
    if (!deck) {
      return;
    }
    if (deck.getAttribute("data-deck") === "follower") {
      offerHide();
      // present.js says when a new state from the server is on the page.
      document.addEventListener("courseware:follow-state", refreshStudentPoll);
      document.body.addEventListener("htmx:afterSettle", offerHide);
    } else {
      watchPresenterSlides();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
