// The speaker view as a remote: on a second device (the instructor's
// phone), its Next and Previous move the class through the server, and it
// follows moves made on the projector. Only the staff user who started
// the follow-along session gets the URLs this needs (lessons.presenter.speaker);
// the server checks again on every move.
import { csrfToken } from "./csrf.js";
import { $, $all } from "./deck-keys.js";
import { watchClass } from "./class-state.js";

// How many reveal items (lessons/rendering/blocks/reveal.py) slide `number` holds.
function revealCount(number) {
  const template = $('template[data-slide-template="' + number + '"]');
  return template ? $all(".slide-reveal > ul > li, .slide-reveal > ol > li", template.content).length : 0;
}

function slideId(number) {
  const template = $('template[data-slide-template="' + number + '"]');
  return template ? template.getAttribute("data-slide-id") : "";
}

function positionOf(state, count) {
  for (let number = 1; number <= count; number++) {
    if (state.key && slideId(number) === state.key) {
      return number - 1;
    }
  }
  return Math.max(0, Math.min(count - 1, state.slide - 1));
}

function same(a, b) {
  return Boolean(a && b) && a.slide === b.slide && a.step === b.step && a.blackout === b.blackout;
}

// root: the speaker view's <main>. page: {count, current() -> {index, step},
// show(index, step), status(text)}. Returns null when this view is not a
// remote (no session of this user's), else {ask(target, way)}.
export function startRemote(root, page) {
  const moveUrl = root.getAttribute("data-remote-move-url");
  const stateUrl = root.getAttribute("data-remote-state-url");
  if (!moveUrl || !stateUrl) {
    return null;
  }
  const deckDigest = root.getAttribute("data-deck-digest") || "";
  const mover = { sending: false, sent: null, wanted: null, blackout: false };
  let watcher = null;

  function send() {
    if (mover.sending || same(mover.sent, mover.wanted)) {
      return;
    }
    mover.sending = true;
    watcher.moved();
    const wanted = mover.wanted;
    fetch(moveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() || "" },
      body: new URLSearchParams({
        slide: String(wanted.slide),
        step: String(wanted.step),
        blackout: wanted.blackout ? "1" : "0",
        key: slideId(wanted.slide),
        deck: deckDigest,
      }),
    })
      .then(
        (response) => {
          if (response.ok) {
            mover.sent = wanted;
            page.status("Remote: the class and the projector follow your moves.");
          } else if (response.status === 409) {
            mover.sent = wanted;
            page.status("The session ended, or the lesson changed: reload this page.");
          } else if (response.status === 403 || response.status === 302) {
            mover.sent = wanted;
            page.status("Only the presenter who started this session can move the class.");
          }
        },
        () => {
          page.status("Not connected: the move will be sent again.");
        }
      )
      .then(() => {
        mover.sending = false;
        if (!same(mover.wanted, mover.sent)) {
          setTimeout(send, mover.sent === wanted ? 0 : 1000);
        }
      });
  }

  function ask(target, way) {
    const now = page.current();
    let slide = now.index + 1;
    let step = now.step;
    if (way === "next") {
      if (step < revealCount(slide)) {
        step += 1;
      } else if (slide < page.count) {
        slide += 1;
        step = 0;
      } else {
        return;
      }
    } else if (way === "previous") {
      if (step > 0) {
        step -= 1;
      } else if (slide > 1) {
        slide -= 1;
        // Back onto a slide: its list shows whole, as on the projector.
        step = revealCount(slide);
      } else {
        return;
      }
    } else {
      slide = target + 1;
      step = 0;
    }
    mover.wanted = { slide: slide, step: step, blackout: mover.blackout };
    page.show(slide - 1, step);
    send();
  }

  watcher = watchClass(
    stateUrl,
    (state) => {
      if (state.ended) {
        page.status("The follow-along session has ended. Start it again on the presenter page.");
        return;
      }
      const position = positionOf(state, page.count);
      mover.blackout = state.blackout;
      mover.sent = { slide: position + 1, step: state.step, blackout: state.blackout };
      mover.wanted = mover.sent;
      page.show(position, state.step);
    },
    () => mover.sending || (mover.wanted !== null && !same(mover.wanted, mover.sent))
  );
  page.status("Remote: the class and the projector follow your moves.");
  return { ask: ask };
}
