"""The admin's live preview: the same ``render`` as the page, as HTML to show."""

from __future__ import annotations

from django.utils.html import escape

from .api import render_lesson
from .errors import AuthoringError


def preview_html(text: str) -> str:
    """The page's HTML, or the problems to fix.

    django-markdownx calls this through MARKDOWNX_MARKDOWNIFY_FUNCTION.
    """
    try:
        result = render_lesson(text)
    except AuthoringError as error:
        items = "".join(f"<li>{escape(problem)}</li>" for problem in error.problems)
        return f'<div class="authoring-error" role="alert"><p>This lesson cannot be published yet:</p><ul>{items}</ul></div>'
    # Readers never see notes, but the author should: list them after the page.
    notes = [
        f"<p><strong>{escape(slide.title or 'Opening slide')}</strong></p>{slide.notes_html}"
        for slide in result.slides
        if slide.notes_html
    ]
    if notes:
        return (
            result.html
            + '<aside class="preview-notes"><p>Speaker notes (only in the speaker view):</p>'
            + "".join(notes)
            + "</aside>"
        )
    return result.html
