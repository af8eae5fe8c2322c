// Where the class is, read from the server: for the presenter's own pages
// and the students' pages.
//
// The projector and a remote (the speaker view on the instructor's phone)
// both move the class through the server (lessons.presenter.move). Each
// asks the followers' state URL every second, as a student's page does,
// and follows a move the other one made. An ETag keeps most answers
// empty (304).

// The state a follow-state fragment (_follow_state.html) describes, or
// {ended: true}.
export function parseState(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const element = template.content.querySelector("#follow-state");
  if (!element || element.hasAttribute("data-ended")) {
    return { ended: true };
  }
  return {
    ended: false,
    slide: parseInt(element.getAttribute("data-live-slide"), 10) || 1,
    key: element.getAttribute("data-live-key") || "",
    step: parseInt(element.getAttribute("data-step"), 10) || 0,
    blackout: element.hasAttribute("data-blackout"),
    deck: element.getAttribute("data-deck") || "",
  };
}

// Asks `url` for the class's state every second and calls
// onAnswer(html, asked) with each new state's fragment; `asked` is what
// options.asking() returned when that request started. If onAnswer returns
// false, the answer was not used, and the next request asks for the state
// in full again. The server ends the polling with a 286 (the session
// ended); an error or no answer only skips a second.
//
// The requests go at low priority: a demo's or a click's request goes
// first, and a page that polls still counts as settled to a tool that
// waits for the important requests to finish (Lighthouse).
//
// options: etag (the state the page came with: the first request then
// waits a second), headers() (sent with each request), whileHidden (ask
// while the page is in a background tab too), asking().
export function pollState(url, onAnswer, options = {}) {
  let etag = options.etag || null;
  let asking = false;
  let stopped = false;
  const timer = setInterval(ask, 1000);

  function stop() {
    stopped = true;
    clearInterval(timer);
  }

  function ask() {
    if (asking || stopped || (document.hidden && !options.whileHidden)) {
      return;
    }
    asking = true;
    const asked = options.asking ? options.asking() : null;
    const headers = options.headers ? options.headers() : {};
    if (etag) {
      // The server answers 304 with no body while nothing changed.
      headers["If-None-Match"] = etag;
    }
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: headers, priority: "low" })
      .then((response) => {
        if (!response.ok) {
          // 304: nothing new. Anything else: a hiccup; ask again next second.
          return null;
        }
        const tag = response.headers.get("ETag");
        const ended = response.status === 286;
        return response.text().then((text) => ({ tag: tag, text: text, ended: ended }));
      })
      .then(
        (answer) => {
          asking = false;
          if (!answer || stopped) {
            return;
          }
          if (answer.ended) {
            stop();
          }
          if (onAnswer(answer.text, asked) !== false) {
            etag = answer.tag;
          }
        },
        () => {
          // Offline for a moment: the next second asks again.
          asking = false;
        }
      );
  }

  if (!etag) {
    ask();
  }
  return { stop: stop };
}

// Polls `url` every second and calls onState(state) when the class's
// state changed on the server. busy() says this page has a move of its
// own on the way (moved() is called when a move starts). An answer may
// predate that move, and taken as news it would undo it, so it is ignored
// when it comes while the move is on its way, when its request started
// before the move, or when its request started while the move was on its
// way: the server may have answered it before the move landed, and it can
// arrive after the move's own answer. Returns {moved, stop}.
export function watchClass(url, onState, busy) {
  let epoch = 0;
  const poller = pollState(
    url,
    (html, asked) => {
      if (asked.epoch !== epoch || asked.busy || busy()) {
        return false;
      }
      onState(parseState(html));
      return true;
    },
    {
      asking() {
        return { epoch: epoch, busy: busy() };
      },
    }
  );
  return {
    moved() {
      epoch += 1;
    },
    stop: poller.stop,
  };
}
