"""The browser side of exercises: what the server hands to the learner's browser.

Learner code never runs on the server. This app only serves the pieces the
browser needs to run it there: the worker script and the preview frame's
shell (each with its own Content-Security-Policy), the runtime package as a
zip, and a small manifest of the static files' current URLs. The exercises
themselves (folders, bundle.json, the runtime's Python) are the ``exercises``
app's; see docs/exercises.md.
"""
