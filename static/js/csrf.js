// CSRF: Django's token comes from its cookie, so lesson pages need no
// per-visitor token in their HTML and can be cached whole.
function cookie(name) {
  const match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
  return match ? decodeURIComponent(match[1]) : null;
}

// For requests sent without htmx (fetch, sendBeacon).
export function csrfToken() {
  return cookie("csrftoken");
}

export function sendCsrfHeader() {
  document.addEventListener("htmx:configRequest", (event) => {
    const token = cookie("csrftoken");
    if (token) {
      event.detail.headers["X-CSRFToken"] = token;
    }
  });

  // A first visit has no token cookie yet. If two demos load at once, each
  // answer sets a different token and the forms of all but the last one are
  // refused when used. So, until the cookie exists, only one demo request
  // goes out; the others wait for its answer (and its cookie).
  let first = null;
  document.addEventListener("htmx:confirm", (event) => {
    if (event.defaultPrevented || cookie("csrftoken")) {
      return;
    }
    if (!first) {
      first = new Promise((done) =>
        document.addEventListener("htmx:afterRequest", done, { once: true })
      );
      return;
    }
    event.preventDefault();
    first.then(() => event.detail.issueRequest(true));
  });
}
