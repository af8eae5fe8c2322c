// CSRF: Django's token comes from its cookie, so lesson pages need no
// per-visitor token in their HTML and can be cached whole.
function cookie(name) {
  const match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
  return match ? decodeURIComponent(match[1]) : null;
}

export function sendCsrfHeader() {
  document.addEventListener("htmx:configRequest", (event) => {
    const token = cookie("csrftoken");
    if (token) {
      event.detail.headers["X-CSRFToken"] = token;
    }
  });
}
