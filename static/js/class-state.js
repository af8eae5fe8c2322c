// Where the class is, read from the server: for the presenter's own pages.
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

// Polls `url` every second and calls onState(state) when the class's
// state changed on the server. busy() says this page has a move of its
// own on the way: an answer then may predate it, so it is ignored, and so
// is one whose request started before that move (moved() is called when a
// move starts). Returns {moved, stop}.
export function watchClass(url, onState, busy) {
  let etag = null;
  let asking = false;
  let epoch = 0;
  const timer = setInterval(ask, 1000);

  function ask() {
    if (asking || document.hidden) {
      return;
    }
    asking = true;
    const started = epoch;
    const headers = etag ? { "If-None-Match": etag } : {};
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: headers })
      .then((response) => {
        if (response.status === 304 || (!response.ok && response.status !== 286)) {
          return null;
        }
        const tag = response.headers.get("ETag");
        return response.text().then((text) => ({ tag: tag, state: parseState(text) }));
      })
      .then(
        (answer) => {
          asking = false;
          if (!answer || started !== epoch || busy()) {
            return;
          }
          etag = answer.tag;
          if (answer.state.ended) {
            clearInterval(timer);
          }
          onState(answer.state);
        },
        () => {
          // Offline for a moment: the next second asks again.
          asking = false;
        }
      );
  }

  ask();
  return {
    moved() {
      epoch += 1;
    },
    stop() {
      clearInterval(timer);
    },
  };
}
