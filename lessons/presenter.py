"""Presenter mode: a lesson as slides, the speaker's window, and follow-along.

Who may do what (docs/presenting.md says the same for instructors):

- anyone may open ``/lessons/<slug>/present/`` and page through the slides,
  which show nothing the reader page does not;
- staff may open the speaker view, because it shows the speaker notes, and
  start a follow-along session;
- only the staff user who started a session may move or end it;
- anyone with the session's short link may follow it.

The slides were cut when the lesson was saved (``lessons.rendering``), so
these views only load rows and render templates.
"""

import segno
from django.contrib.admin.views.decorators import staff_member_required
from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_POST, require_safe

from . import following, polls
from .access import presentation_by_code, presenter_only
from .models import Lesson, Presentation

# htmx stops polling when an answer has this status.
STOP_POLLING = 286


@require_safe
@never_cache
@ensure_csrf_cookie
def present(request, slug):
    lesson = get_object_or_404(Lesson, slug=slug)
    lesson.refresh_rendering()
    presentation = None
    if request.user.is_staff:
        presentation = (
            Presentation.objects.live()
            .filter(lesson=lesson, presenter=request.user)
            .first()
        )
    context = {
        "lesson": lesson,
        "slides": deck(lesson),
        "role": "presenter",
        **panel_context(request, lesson, presentation),
    }
    # Back on the page of a running session, the deck opens where the class is.
    context["first_slide"] = context.get("live_slide", 1)
    context["panel_open"] = request.GET.get("panel") == "follow"
    return render(request, "lessons/present/present.html", context)


@require_safe
@never_cache
@staff_member_required
@ensure_csrf_cookie
def speaker(request, slug):
    """The speaker's notes and timer; a remote for the user's own running session.

    On another device (a phone) it moves the class through the server
    (static/js/remote.js); that needs the user's live session, so another
    staff user gets the notes but no remote.
    """
    lesson = get_object_or_404(Lesson, slug=slug)
    lesson.refresh_rendering()
    presentation = (
        Presentation.objects.live()
        .filter(lesson=lesson, presenter=request.user)
        .first()
    )
    return render(
        request,
        "lessons/present/speaker.html",
        {
            "lesson": lesson,
            "slides": deck(lesson),
            "presentation": presentation,
            "deck_digest": lesson.deck_digest,
        },
    )


@require_POST
@staff_member_required
def start(request, slug):
    """Start (or return to) this presenter's follow-along session for the lesson."""
    lesson = get_object_or_404(Lesson, slug=slug)
    presentation = (
        Presentation.objects.live()
        .filter(lesson=lesson, presenter=request.user)
        .first()
    )
    if presentation is None:
        presentation = create_presentation(
            lesson, request.user, slide_number(request.POST.get("slide"), lesson) or 1
        )
    if request.htmx:
        # The presenter's page swaps the panel in place, keeping its slide and demos.
        return render(
            request,
            "lessons/present/_follow_panel.html",
            panel_context(request, lesson, presentation),
        )
    slide, _ = presentation.position_in(lesson)
    return redirect(presenter_page(slug, slide))


@require_POST
@presenter_only
def move(request, presentation):
    """Show another slide to the class. Answers 204: nothing to swap."""
    if not presentation.is_live:
        return HttpResponse(
            "This follow-along session has ended.",
            status=409,
            content_type="text/plain",
        )
    lesson = presentation.lesson
    ids = lesson.slide_ids
    deck_digest = lesson.deck_digest
    sent_deck = request.POST.get("deck")
    stale = sent_deck is not None and sent_deck != deck_digest
    slide = slide_number(request.POST.get("slide"), lesson)
    step = small_number(request.POST.get("step", "0"))
    blackout = request.POST.get("blackout", "0")
    if stale:
        # The lesson was edited since the presenter's page loaded: its slide
        # numbers are the old deck's. Follow the slide by its id instead.
        key = request.POST.get("key", "")
        slide = ids.index(key) + 1 if key in ids else None
        if slide is None:
            return plain(
                "The lesson changed: reload the page to present the new version.",
                409,
            )
    if slide is None or step is None or blackout not in ("0", "1"):
        return plain(
            "Send slide=N (a slide of this lesson), step=N (items shown, 0 or more)"
            " and blackout=0 or 1.",
            400,
        )
    if not stale:
        key = ids[slide - 1]
    presentation.move_to(
        slide, key=key, deck_digest=deck_digest, step=step, blackout=blackout == "1"
    )
    return HttpResponse(status=204)


@require_POST
@presenter_only
def beat(request, presentation):
    """The presenter's page is open: keep the session live and count the class.

    Sent every few seconds, and once (``closing=1``, by sendBeacon) as the page
    goes away, which ends the session after ``Presentation.CLOSED_GRACE``
    unless a presenter page comes back.
    """
    live = presentation.beat(closing=request.POST.get("closing") == "1")
    answer = {"live": live, "deck": presentation.lesson.deck_digest}
    if live:
        answer["followers"] = following.follower_count(presentation)
    return JsonResponse(answer, headers={"Cache-Control": "no-store"})


@require_POST
@presenter_only
def end(request, presentation):
    presentation.end()
    lesson = presentation.lesson
    if request.htmx:
        return render(
            request,
            "lessons/present/_follow_panel.html",
            panel_context(request, lesson, None),
        )
    return redirect(presenter_page(lesson.slug))


def presenter_page(slug, slide=None):
    """The presenter's page after a start or end sent as a plain form.

    That happens without JavaScript, and also with it when the button is
    pressed before htmx has loaded (it comes after the page, on a phone
    seconds after). The page then reloads, and ``?panel=follow`` keeps the
    follow-along panel open on the new state instead of hiding it as a
    fresh page does.
    """
    url = reverse("lessons:present", args=[slug]) + "?panel=follow"
    return url + (f"#slide-{slide}" if slide else "")


@require_safe
@never_cache
def follow(request, code):
    """A student's view: the slides, kept on the presenter's slide while live."""
    presentation = presentation_by_code(code)
    lesson = presentation.lesson
    lesson.refresh_rendering()
    context = {
        "lesson": lesson,
        "slides": deck(lesson),
        "role": "follower",
        "presentation": presentation,
        "deck_digest": lesson.deck_digest,
        **state_context(presentation, lesson),
        **polls.student_context(request, presentation),
    }
    # A student's page opens on the class's slide; after the end, on the first.
    context["first_slide"] = context["slide"] if context["live"] else 1
    return render(request, "lessons/present/follow.html", context)


@require_safe
def follow_state(request, code):
    """What followers poll every second: one small query, usually a bodiless 304.

    The state is read from the database on every poll, never from this
    process's memory, so any app server answers the same.
    """
    presentation = (
        Presentation.objects.with_code(code)
        .select_related("lesson")
        .only(
            *Presentation.STATE_FIELDS,
            # What Lesson.deck_digest reads: the slides themselves only load
            # when the answer is not a 304.
            "lesson__title",
            "lesson__summary",
            "lesson__rendered_digest",
            "lesson__renderer_version",
        )
        .first()
    )
    if presentation is None or not presentation.is_live:
        response = render(
            request, "lessons/present/_follow_state.html", {"live": False}
        )
        response.status_code = STOP_POLLING
        return response
    following.note_follower(presentation, following.device_of(request))
    lesson = presentation.lesson
    etag = presentation.etag_for(lesson.deck_digest)
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is None:
        response = render(
            request,
            "lessons/present/_follow_state.html",
            state_context(presentation, lesson),
        )
        response["ETag"] = etag
    else:
        response = not_modified
    # Every poll asks the server; the ETag makes most answers empty.
    patch_cache_control(response, no_cache=True, private=True)
    return response


@require_safe
@never_cache
def follow_live(request, code):
    """ "Back to live" without JavaScript: the follower page at the live slide."""
    presentation = presentation_by_code(code)
    slide, _ = presentation.position_in(presentation.lesson)
    return redirect(
        reverse("lessons:follow", args=[presentation.code]) + f"#slide-{slide}"
    )


# --- Helpers -------------------------------------------------------------------


def plain(text, status):
    return HttpResponse(text, status=status, content_type="text/plain")


def deck(lesson):
    """The slides as the templates need them; the first always exists (the title slide)."""
    stored = lesson.slides or [{"title": "", "html": "", "notes_html": ""}]
    slides = []
    for number, (slide, slide_id) in enumerate(
        zip(stored, lesson.slide_ids, strict=True), start=1
    ):
        slides.append(
            {
                "number": number,
                "id": slide_id,
                "title": slide.get("title") or lesson.title,
                # Sanitized by lessons.rendering when the lesson was saved.
                "html": mark_safe(slide.get("html", "")),
                "notes_html": mark_safe(slide.get("notes_html", "")),
                "has_demo": 'class="demo"' in slide.get("html", ""),
            }
        )
    return slides


def slide_number(value, lesson) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    if 1 <= number <= max(len(lesson.slides), 1):
        return number
    return None


# More list items than any slide holds; bounds what a request may store.
MAX_STEP = 500


def small_number(value) -> int | None:
    """A count from a form, 0 to MAX_STEP, or None."""
    value = str(value).strip()
    if not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if number <= MAX_STEP else None


def create_presentation(lesson, user, slide):
    # Codes are random; on the rare clash, draw again.
    for _ in range(10):
        try:
            with transaction.atomic():
                return Presentation.objects.create(
                    lesson=lesson,
                    presenter=user,
                    slide=slide,
                    slide_key=lesson.slide_ids[slide - 1],
                    deck_digest=lesson.deck_digest,
                )
        except IntegrityError:
            continue
    raise RuntimeError("Could not find a free follow-along code.")


def panel_context(request, lesson, presentation):
    context = {"lesson": lesson, "presentation": presentation}
    if presentation is not None:
        context["live_slide"], _ = presentation.position_in(lesson)
        url = request.build_absolute_uri(presentation.get_absolute_url())
        qr = segno.make(url, error="m")
        svg = qr.svg_inline(
            scale=1,
            omitsize=True,
            svgclass="follow-qr-code",
            lineclass="follow-qr-modules",
            dark="#000",
            light="#fff",
        )
        context.update(
            follow_url=url,
            # segno draws the QR code as one path from the URL's bits; no
            # text from the request reaches the markup.
            qr_svg=mark_safe(
                svg.replace(
                    "<svg ",
                    '<svg role="img" aria-label="QR code for the follow-along link" ',
                    1,
                )
            ),
        )
    return context


def state_context(presentation, lesson):
    """What a follower's page needs to be where the class is."""
    slide, key = presentation.position_in(lesson)
    deck_digest = lesson.deck_digest
    return {
        "live": presentation.is_live,
        "code": presentation.code,
        "slide": slide,
        "slide_key": key,
        "step": presentation.step,
        "blackout": presentation.blackout,
        "live_deck": deck_digest,
        "etag": presentation.etag_for(deck_digest),
        "poll_stamp": polls.stamp(presentation),
    }
