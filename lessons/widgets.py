"""The admin's lesson body editor: a textarea with a live preview beside it.

It replaces django-markdownx's widget and script, which wrote "Invalid
response" into the lesson when an upload was refused and inserted images
without alt text. The two endpoints are still lessons/editor.py's.
"""

from django import forms
from django.urls import reverse


class LessonBodyWidget(forms.Textarea):
    template_name = "lessons/admin/body_widget.html"

    class Media:
        css = {
            "all": [
                "css/pygments.css",
                "css/demos.css",
                "css/admin-preview.css",
                "css/admin-editor.css",
            ]
        }
        js = [
            # htmx makes the demos in the preview load and answer clicks, as
            # they do on a lesson page.
            "django_htmx/htmx-2.min.js",
            forms.Script("js/lesson-editor.js", type="module"),
        ]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["preview_url"] = reverse("markdownx_markdownify")
        context["widget"]["upload_url"] = reverse("markdownx_upload")
        return context
