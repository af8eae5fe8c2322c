"""The inspector: what each click in a demo did on the server.

For every request a sandbox app serves, ``InspectorMiddleware`` records a
*hop*: the request, the URL pattern and view that answered it, the data it
received, the queries it ran, the templates it rendered, what changed in
the app's part of the session, and the response. A redirect's hop waits in
a table of its own (never in the visitor's session) until the request that follows
the redirect arrives, so a POST -> 302 -> GET is shown as one *chain* of
two hops.

Embedded demos receive the chain out of band (``hx-swap-oob``) with the
fragment they asked for; a demo's own page gets it under the app.

Modules, one job each:

- ``recording``: a hop as a typed record, made around any request
  (pure: Django only, no middleware; the exercises use it with
  ``django.test.Client``, in the browser too). Its docstring is the API;
- ``locations``: where in the code each step is written, as specs that
  ``sandbox_apps.sources`` shows like a lesson's ``source`` block;
- ``chain``: keeping a redirect's hops for the request that follows it;
- ``panel``: the chain as the reader sees it, with links to the code;
- ``middleware``: when to record, and where the chain goes;
- ``views``: the code a step links to.
"""
