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

// A first visit has no token cookie yet, and two answers sent without one
// would each set a different token, so the forms of all but the last demo
// would be refused. That cannot happen: demos.js sends one demo request at
// a time, so each one carries the cookie the answer before it set.
export function sendCsrfHeader() {
  document.addEventListener("htmx:configRequest", (event) => {
    const token = cookie("csrftoken");
    if (token) {
      event.detail.headers["X-CSRFToken"] = token;
    }
  });
}
