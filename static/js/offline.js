// Offline reading: the service worker (served at /sw.js so it may look
// after every page) keeps the lessons a reader has opened.
export function registerServiceWorker() {
  if (!("serviceWorker" in navigator) || !window.isSecureContext) {
    return;
  }
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {
    // No offline copy this time; the site works as before.
  });
}
