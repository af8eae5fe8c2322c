// The preview frame's only script: it makes the frame behave like a small
// browser for the learner's app, whose server is a Web Worker in the parent
// page. The frame's origin is opaque (sandboxed), so the learner's page
// cannot touch the course; it can only talk to the parent through messages.
//
// Parent -> frame: {type: "show", html, url}    draw this page, now at url
// Frame -> parent: {type: "ready"}              the frame can draw pages
//                  {type: "navigate", method, path, data}   a click or a submit
(function () {
  "use strict";

  // Any made-up origin works: it only turns the learner's relative links
  // into paths of their app.
  var APP = "http://your-app.invalid";
  var currentPath = "/";

  function send(message) {
    // The parent is the course page; "*" because this frame has no origin of
    // its own to name, and nothing secret is sent.
    window.parent.postMessage(message, "*");
  }

  function localPath(href) {
    var url = new URL(href, APP + currentPath);
    if (url.origin !== APP) return null;
    return url.pathname + url.search;
  }

  function show(html, url) {
    currentPath = url || "/";
    // Parsed, not written: scripts in the learner's page never run (and the
    // frame's policy would refuse them anyway).
    var parsed = new DOMParser().parseFromString(html, "text/html");
    document.replaceChild(document.adoptNode(parsed.documentElement), document.documentElement);
    window.scrollTo(0, 0);
  }

  window.addEventListener("message", function (event) {
    if (event.source !== window.parent) return;
    var message = event.data;
    if (message && message.type === "show") show(String(message.html), String(message.url));
  });

  document.addEventListener(
    "click",
    function (event) {
      var link = event.target.closest && event.target.closest("a[href]");
      if (!link) return;
      var href = link.getAttribute("href");
      if (href.charAt(0) === "#") return;
      event.preventDefault();
      var path = localPath(href);
      if (path !== null) send({ type: "navigate", method: "GET", path: path, data: null });
    },
    true
  );

  document.addEventListener(
    "submit",
    function (event) {
      event.preventDefault();
      var form = event.target;
      var method = (form.getAttribute("method") || "get").toUpperCase();
      var path = localPath(form.getAttribute("action") || currentPath);
      if (path === null) return;
      var data = {};
      new FormData(form, event.submitter || null).forEach(function (value, name) {
        if (typeof value !== "string") return;
        if (Object.prototype.hasOwnProperty.call(data, name)) {
          data[name] = [].concat(data[name], value);
        } else {
          data[name] = value;
        }
      });
      if (method === "GET") {
        var query = new URLSearchParams();
        Object.keys(data).forEach(function (name) {
          [].concat(data[name]).forEach(function (value) {
            query.append(name, value);
          });
        });
        send({ type: "navigate", method: "GET", path: path.split("?")[0] + "?" + query, data: null });
      } else {
        send({ type: "navigate", method: method === "POST" ? "POST" : method, path: path, data: data });
      }
    },
    true
  );

  send({ type: "ready" });
})();
