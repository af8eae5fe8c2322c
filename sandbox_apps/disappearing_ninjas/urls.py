"""The app's URLs: a routing lesson in three lines.

Django tries the patterns from top to bottom and calls the view of the
first one that matches. The part of the address before this file
(/sandbox/disappearing-ninjas/) was matched already, in the project's urls.
"""

from django.urls import path

from . import views

# The namespace: templates and redirects say "disappearing_ninjas:ninja",
# which cannot clash with another app's view called "ninja".
app_name = "disappearing_ninjas"

urlpatterns = [
    # "" is the app's own root: /sandbox/disappearing-ninjas/
    path("", views.index, name="index"),
    # A fixed path: /sandbox/disappearing-ninjas/ninjas/
    path("ninjas/", views.all_ninjas, name="all"),
    # ONE pattern for every colour. <str:color> matches any text without a
    # slash and passes it to the view as the keyword argument color, so
    # /ninjas/blue/ calls views.ninja(request, color="blue"). The view, not
    # the URL, decides what a colour means; unknown ones still match here.
    path("ninjas/<str:color>/", views.ninja, name="ninja"),
]
