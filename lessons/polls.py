"""Live polls: the presenter poses a ``/// check`` to the class, students answer.

Who may do what:

- only the staff user who started the follow-along session may ask a
  question, see the answers come in, reveal the right one and close it;
- anyone following the session may answer, once per device: answering
  again changes that device's answer instead of adding one.

A device is a random token in a cookie the server sets on a first answer.
No account, nothing about the person: the database keeps only a hash of
the token salted with the poll, so a device's answers to two polls cannot
be linked. Anyone can clear a cookie and answer again, so a poll takes at
most ``MAX_ANSWERS`` answers, and one address at most
``MAX_NEW_DEVICES_PER_ADDRESS`` new devices (a classroom shares one).

Students learn that a poll opened or was revealed from their follow-along
poll (``lessons.presenter.follow_state``): every change here bumps the
presentation's version, so that poll answers 200 with a new poll stamp and
static/js/poll.js then fetches the student's poll. Most seconds stay 304s.
"""

import hashlib
import re
import secrets
from datetime import timedelta

from django.core.cache import cache
from django.db import IntegrityError, models, transaction
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from courseware.client import client_address

from . import presenter
from .access import presentation_by_code, presenter_only
from .models import Poll, PollAnswer, Presentation

COOKIE = "courseware_device"
TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")
# A lecture hall's worth, and a bound on what a flood can store.
MAX_ANSWERS = 2000
# Many students answer from one school address, so this is generous; it
# only stops one machine minting devices to stuff the poll.
MAX_NEW_DEVICES_PER_ADDRESS = 300
NEW_DEVICE_WINDOW = timedelta(hours=1)
LETTERS = "ABCDEF"


# --- The presenter -----------------------------------------------------------------


@require_safe
@never_cache
@presenter_only
def manage(request, presentation):
    """The presenter's poll panel: a fragment for htmx, else a page of its own (a phone)."""
    # The presenter's page says which slide it shows; the class may not be there yet.
    slide = presenter.slide_number(request.GET.get("slide"), presentation.lesson)
    return render_panel(request, presentation, slide=slide)


@require_POST
@presenter_only
def ask(request, presentation):
    """Pose one of the lesson's checks to the class; any poll before it closes."""
    if not presentation.is_live:
        return refuse(
            request, presentation, "This follow-along session has ended.", 409
        )
    check = find_check(presentation.lesson, request.POST.get("check", ""))
    if check is None:
        return refuse(
            request,
            presentation,
            "That check is not in this lesson any more: reload the page.",
            409,
        )
    now = timezone.now()
    with transaction.atomic():
        Poll.objects.filter(presentation=presentation, ended_at__isnull=True).update(
            ended_at=now
        )
        Poll.objects.create(
            presentation=presentation,
            check_id=check["id"],
            question_html=check["question_html"],
            choices_html=[choice["html"] for choice in check["choices"]],
            right=check["right"],
            explanation_html=check["explanation_html"],
            opened_at=now,
        )
        tell_followers(presentation)
    return after_change(request, presentation)


@require_POST
def reveal(request, code, poll_id):
    """Show the right answer on students' screens; no answers after this."""
    return change(request, code, poll_id, "revealed_at")


@require_POST
def close(request, code, poll_id):
    """Take the poll off students' screens."""
    return change(request, code, poll_id, "ended_at")


@require_safe
@never_cache
@presenter_only
def results(request, presentation, poll_id):
    """The bar chart, polled every second by the presenter while answers come in."""
    poll = get_object_or_404(Poll, pk=poll_id, presentation=presentation)
    response = render(
        request, "lessons/present/_poll_results.html", results_context(poll)
    )
    if poll.state != "open":
        # The counts cannot change any more.
        response.status_code = presenter.STOP_POLLING
    return response


# --- Students ----------------------------------------------------------------------


@require_safe
@never_cache
def student(request, code):
    """A student's view of the current poll: the question, their answer, the reveal."""
    presentation = presentation_by_code(code)
    if not request.htmx:
        # Without JavaScript the follow page shows the poll in place.
        return redirect(follow_url(presentation))
    return render_student(request, presentation)


@require_POST
def answer(request, code):
    """Record this device's answer (or change it), for an open poll only."""
    presentation = presentation_by_code(code)
    if not presentation.is_live:
        return refuse(
            request, presentation, "This follow-along session has ended.", 409
        )
    poll_id = request.POST.get("poll", "")
    if not poll_id.isascii() or not poll_id.isdigit() or len(poll_id) > 12:
        return refuse(request, presentation, "Send the poll you are answering.", 400)
    poll = Poll.objects.filter(pk=int(poll_id), presentation=presentation).first()
    if poll is None:
        return refuse(request, presentation, "There is no such poll here.", 404)
    if poll.state != "open":
        return refuse(
            request,
            presentation,
            "This poll is closed: the presenter has revealed the answer.",
            409,
        )
    choice = request.POST.get("choice", "")
    if not choice.isascii() or not choice.isdigit() or len(choice) > 2:
        return refuse(request, presentation, "Choose one of the answers.", 400)
    choice = int(choice)
    if choice >= len(poll.choices_html):
        return refuse(request, presentation, "Choose one of the answers.", 400)

    token = device_token(request)
    new_token = token is None
    if new_token:
        token = secrets.token_urlsafe(32)
    device = device_hash(poll, token)
    changed = PollAnswer.objects.filter(poll=poll, device=device).update(
        choice=choice, answered_at=timezone.now()
    )
    if not changed:
        problem = admit_new_device(request, poll)
        if problem:
            return refuse(request, presentation, problem, 429)
        try:
            with transaction.atomic():
                PollAnswer.objects.create(poll=poll, device=device, choice=choice)
        except IntegrityError:
            # The same device's second tab answered at the same moment.
            PollAnswer.objects.filter(poll=poll, device=device).update(choice=choice)

    if request.htmx:
        response = render_student(request, presentation, token=token)
    else:
        response = redirect(follow_url(presentation))
    if new_token:
        response.set_cookie(
            COOKIE,
            token,
            max_age=int(timedelta(days=30).total_seconds()),
            path="/f/",
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
    return response


# --- Helpers -------------------------------------------------------------------------


def current_poll(presentation: Presentation) -> Poll | None:
    """The poll on students' screens now, if any."""
    return presentation.polls.filter(ended_at__isnull=True).first()


def stamp(presentation: Presentation) -> str:
    """Changes whenever students' poll changes: "" (none), "7-open", "7-revealed"."""
    poll = current_poll(presentation)
    return f"{poll.pk}-{poll.state}" if poll else ""


def tell_followers(presentation: Presentation) -> None:
    # A new version is a new ETag: followers' next poll gets the new stamp.
    Presentation.objects.filter(pk=presentation.pk).update(
        version=models.F("version") + 1
    )


def checks_by_slide(lesson) -> list[dict]:
    """Each slide with checks: its number, title and checks, in deck order."""
    found = []
    for number, slide in enumerate(lesson.slides or [], start=1):
        if slide.get("checks"):
            found.append(
                {
                    "number": number,
                    "title": slide.get("title") or lesson.title,
                    "checks": [
                        {
                            "id": check["id"],
                            "question": mark_safe(check["question_html"]),
                        }
                        for check in slide["checks"]
                    ],
                }
            )
    return found


def find_check(lesson, check_id: str) -> dict | None:
    for slide in lesson.slides or []:
        for check in slide.get("checks") or []:
            if check["id"] == check_id:
                return check
    return None


def device_token(request) -> str | None:
    token = request.COOKIES.get(COOKIE, "")
    return token if TOKEN.fullmatch(token) else None


def device_hash(poll: Poll, token: str) -> str:
    return hashlib.sha256(f"{poll.pk}:{token}".encode()).hexdigest()


def admit_new_device(request, poll: Poll) -> str | None:
    """Why a new device may not answer, or None when it may."""
    if poll.answers.count() >= MAX_ANSWERS:
        return "This poll has all the answers it can take."
    key = f"cw-poll-new:{poll.pk}:{client_address(request)}"
    cache.add(key, 0, int(NEW_DEVICE_WINDOW.total_seconds()))
    try:
        seen = cache.incr(key)
    except ValueError:
        # The cache lost the key in between: count this one as the first.
        seen = 1
    if seen > MAX_NEW_DEVICES_PER_ADDRESS:
        return "Too many new answers from your network. Try again later."
    return None


def counts_for(poll: Poll) -> list[int]:
    counted = dict(
        poll.answers.values_list("choice").annotate(number=Count("id")).order_by()
    )
    return [counted.get(index, 0) for index in range(len(poll.choices_html))]


def results_context(poll: Poll) -> dict:
    counts = counts_for(poll)
    total = sum(counts)
    rows = []
    for index, (html, count) in enumerate(zip(poll.choices_html, counts, strict=True)):
        rows.append(
            {
                "index": index,
                "letter": LETTERS[index],
                # Sanitized by lessons.rendering when the lesson was saved.
                "html": mark_safe(html),
                "count": count,
                "percent": round(100 * count / total) if total else 0,
                "right": index == poll.right,
            }
        )
    return {
        "poll": poll,
        "code": poll.presentation.code,
        "rows": rows,
        "total": total,
        "revealed": poll.revealed_at is not None,
    }


def panel_context(presentation: Presentation, slide: int | None = None) -> dict:
    lesson = presentation.lesson
    slide = slide or presentation.position_in(lesson)[0]
    poll = current_poll(presentation)
    context = {"presentation": presentation, "lesson": lesson, "poll": poll}
    if poll is not None:
        context.update(results_context(poll))
        context["question"] = mark_safe(poll.question_html)
    else:
        slides = checks_by_slide(lesson)
        here = [found for found in slides if found["number"] == slide]
        context.update(
            live_slide=slide,
            here=here[0] if here else None,
            others=[found for found in slides if found["number"] != slide],
        )
    return context


def render_panel(request, presentation, status=200, error="", slide=None):
    context = {**panel_context(presentation, slide), "error": error}
    template = "lessons/present/_poll_panel.html"
    if not request.htmx:
        template = "lessons/present/poll_manage.html"
    response = render(request, template, context, status=status)
    patch_cache_control(response, no_store=True, private=True)
    return response


def student_context(request, presentation: Presentation, token=None) -> dict:
    """What a student's screen shows of the current poll (also for the follow page).

    ``token``: the device's, when it was made in this request (no cookie yet).
    """
    poll = current_poll(presentation)
    context = {"code": presentation.code, "poll": poll, "poll_stamp": ""}
    if poll is None:
        return context
    token = token or device_token(request)
    mine = None
    if token is not None:
        mine = (
            PollAnswer.objects.filter(poll=poll, device=device_hash(poll, token))
            .values_list("choice", flat=True)
            .first()
        )
    revealed = poll.revealed_at is not None
    context.update(
        poll_stamp=f"{poll.pk}-{poll.state}",
        question=mark_safe(poll.question_html),
        explanation=mark_safe(poll.explanation_html) if revealed else "",
        revealed=revealed,
        mine=mine,
        mine_letter=LETTERS[mine] if mine is not None else "",
        choices=[
            {
                "index": index,
                "letter": LETTERS[index],
                # Sanitized by lessons.rendering when the lesson was saved.
                "html": mark_safe(html),
                "right": revealed and index == poll.right,
                "mine": index == mine,
            }
            for index, html in enumerate(poll.choices_html)
        ],
    )
    return context


def render_student(request, presentation, status=200, error="", token=None):
    context = {**student_context(request, presentation, token), "error": error}
    response = render(
        request, "lessons/present/_poll_student.html", context, status=status
    )
    # The answer shown is this device's own.
    patch_cache_control(response, no_store=True, private=True)
    return response


def refuse(request, presentation, message: str, status: int):
    """A refused request changes nothing and says why, in the place it was asked."""
    if not request.htmx:
        return HttpResponse(message, status=status, content_type="text/plain")
    if request.resolver_match.url_name == "poll_answer":
        return render_student(request, presentation, status=status, error=message)
    return render_panel(request, presentation, status=status, error=message)


@presenter_only
def change(request, presentation, poll_id, field: str):
    poll = get_object_or_404(Poll, pk=poll_id, presentation=presentation)
    if poll.ended_at is not None:
        return refuse(request, presentation, "This poll is already closed.", 409)
    now = timezone.now()
    with transaction.atomic():
        Poll.objects.filter(pk=poll.pk, **{f"{field}__isnull": True}).update(
            **{field: now}
        )
        tell_followers(presentation)
    return after_change(request, presentation)


def after_change(request, presentation):
    if request.htmx:
        return render_panel(request, presentation)
    return redirect("lessons:poll_manage", code=presentation.code)


def follow_url(presentation):
    return reverse("lessons:follow", args=[presentation.code]) + "#poll"
