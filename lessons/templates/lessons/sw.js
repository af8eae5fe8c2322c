// Courseware's service worker: lessons stay readable offline once opened.
// Rendered by lessons.views.service_worker; VERSION changes whenever the
// course or the site's static files change, which makes the browser install
// this worker again and drop the old copies.
const VERSION = {{ version_json|safe }};
const CACHE = "courseware-" + VERSION;
// The files every page needs, fetched at install.
const PRECACHE = {{ precache_json|safe }};
// Every lesson, fetched after install so the whole course reads offline.
const LESSONS = {{ lessons_json|safe }};
// Pages worth keeping for offline reading: the course home and lessons.
const READING = /^\/(lessons\/[\w-]+\/)?$/;

async function keepLessons(cache) {
  // One at a time, and a lesson that fails is fetched again when visited.
  for (const url of LESSONS) {
    try {
      const response = await fetch(url, { credentials: "omit" });
      if (response.ok) {
        await cache.put(url, response);
      }
    } catch {
      return; // Offline mid-way: the rest are kept as they are visited.
    }
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE).then(() => keepLessons(cache)))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(names.filter((name) => name.startsWith("courseware-") && name !== CACHE).map((name) => caches.delete(name)))
      )
      .then(() => self.clients.claim())
  );
});

// Lesson pages: the network first (so an edit shows at once), the copy
// kept from the last visit when offline.
async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) {
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const kept = await cache.match(request, { ignoreSearch: true });
    if (kept) {
      return kept;
    }
    throw error;
  }
}

// Static files: their names carry a hash of their content in production.
async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request);
  if (kept) {
    return kept;
  }
  const response = await fetch(request);
  if (response.ok) {
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // Demos, search, the admin and every POST always go to the server.
  if (request.method !== "GET" || url.origin !== self.location.origin || request.headers.get("HX-Request")) {
    return;
  }
  if (url.pathname.startsWith({{ static_prefix_json|safe }})) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate" && READING.test(url.pathname)) {
    event.respondWith(networkFirst(request));
  }
});
