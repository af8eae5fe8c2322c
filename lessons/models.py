"""A lesson: Markdown written by a person, HTML rendered once when saved."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from markdownx.models import MarkdownxField

from . import rendering, search


def content_digest(title: str, summary: str, order: int, body: str) -> str:
    """One fingerprint for everything an editor can change about a lesson."""
    joined = "\x1f".join([title, summary, str(order), body])
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


class LessonQuerySet(models.QuerySet):
    def outline(self):
        """What the course home and the sidebar need, without the heavy HTML."""
        return self.order_by("order", "pk").only("slug", "title", "summary", "order")


class Lesson(models.Model):
    slug = models.SlugField(unique=True, max_length=80)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300)
    order = models.PositiveIntegerField(default=0, db_index=True)
    body = MarkdownxField(
        help_text="Markdown. Use ## for sections; see the authoring guide for demo and source blocks."
    )

    # Filled by render(): the page's HTML and what it used, so no public
    # request ever runs Markdown.
    html = models.TextField(editable=False, default="")
    headings = models.JSONField(editable=False, default=list)
    demos = models.JSONField(editable=False, default=list)
    sources = models.JSONField(editable=False, default=list)
    # Every custom block's uses ({"demo": [...], "source": [...], ...}) and a
    # digest of all the render depended on (rendering.inputs_digest).
    used = models.JSONField(editable=False, default=dict)
    rendered_digest = models.CharField(max_length=64, editable=False, default="")
    # The presenter's slides: [{"title", "html", "notes_html"}, ...].
    slides = models.JSONField(editable=False, default=list)
    renderer_version = models.PositiveIntegerField(editable=False, default=0)

    # content_digest of what sync_content last wrote, to tell an admin edit
    # from a file edit.
    synced_digest = models.CharField(max_length=64, editable=False, default="")
    synced_at = models.DateTimeField(editable=False, null=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # clean() already rendered when the admin saved; anything else (sync,
        # the shell) renders here, and an authoring error stops the save.
        if getattr(self, "_rendered_body", None) != self.body:
            self.render()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("lessons:detail", args=[self.slug])

    def clean(self):
        super().clean()
        try:
            self.render()
        except rendering.AuthoringError as error:
            raise ValidationError({"body": error.problems}) from None

    def render(self) -> None:
        """Render the body with the site's limits, or raise AuthoringError."""
        self.apply(rendering.render_lesson(self.body))

    # The columns apply() fills: what must be written back after a render.
    RENDERED_FIELDS = (
        "html",
        "headings",
        "demos",
        "sources",
        "used",
        "rendered_digest",
        "slides",
        "renderer_version",
    )

    def apply(self, result: rendering.Rendered) -> None:
        """Store a rendering of this lesson's body (made here or in a sync's pool)."""
        self.html = result.html
        self.headings = [
            {"level": h.level, "id": h.id, "title": h.title} for h in result.headings
        ]
        self.demos = list(result.demos)
        self.sources = list(result.sources)
        self.used = {name: list(values) for name, values in result.used.items()}
        self.rendered_digest = rendering.inputs_digest(self.body, result.used)
        self.slides = [slide.as_dict() for slide in result.slides]
        self.renderer_version = rendering.RENDERER_VERSION
        self._rendered_body = self.body

    def refresh_rendering(self) -> None:
        """Render again if the stored HTML came from an older renderer.

        A lesson saved before slides existed has none; the presenter calls
        this so such a lesson can be presented without a sync first. It
        renders once, then the row is current.
        """
        if self.renderer_version == rendering.RENDERER_VERSION:
            return
        try:
            self.render()
        except rendering.AuthoringError:
            return
        Lesson.objects.filter(pk=self.pk).update(
            **{name: getattr(self, name) for name in self.RENDERED_FIELDS}
        )
        # update() sends no post_save, so the search rows are refreshed here.
        search.index_lesson(self)

    @property
    def current_digest(self) -> str:
        return content_digest(self.title, self.summary, self.order, self.body)

    @property
    def edited_since_sync(self) -> bool:
        """Changed (title, summary, order or body) since sync_content last wrote it."""
        return bool(self.synced_digest) and self.current_digest != self.synced_digest

    def rendering_is_current(self, memo: dict | None = None) -> bool:
        """The stored HTML is what rendering the body now would give.

        Cheap: it hashes the body and the files its blocks show, and
        renders nothing. ``memo``: see ``rendering.inputs_digest``.
        """
        return self.rendered_digest == rendering.inputs_digest(
            self.body, self.used, memo
        )

    @property
    def toc(self):
        return [h for h in self.headings if h["level"] in (2, 3)]

    @property
    def deck_digest(self) -> str:
        """A fingerprint of what the deck shows, without reading the slides.

        The slides are made from the body and the files its blocks show
        (``rendered_digest``) by this renderer version; the opening slide adds
        the title and summary. An edit that changes any of them changes this,
        and a follower whose page has another digest is told to reload.
        """
        joined = "\x1f".join(
            [self.title, self.summary, self.rendered_digest, str(self.renderer_version)]
        )
        return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:16]

    @property
    def slide_ids(self) -> list[str]:
        return rendering.slide_ids(
            [slide.get("title", "") for slide in self.slides or [{}]]
        )


# A short code students can type: no 0/O, 1/I/L, so it survives being read aloud.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class PresentationQuerySet(models.QuerySet):
    def with_code(self, code: str):
        # Codes are shown in capitals but typed however a student types them.
        return self.filter(code=code.upper())

    def live(self):
        """Not ended, its presenter's page still open, and moved lately."""
        now = timezone.now()
        return self.filter(
            ended_at__isnull=True,
            moved_at__gte=now - Presentation.IDLE_LIMIT,
            presenter_seen_at__gte=now - Presentation.ABSENT_LIMIT,
        )

    def lapsed(self):
        """Not ended by anyone, but no longer live: ended by the clock alone."""
        now = timezone.now()
        return self.filter(ended_at__isnull=True).filter(
            models.Q(moved_at__lt=now - Presentation.IDLE_LIMIT)
            | models.Q(presenter_seen_at__lt=now - Presentation.ABSENT_LIMIT)
        )


class Presentation(models.Model):
    """A follow-along session: which slide a presenter is showing a class.

    The state lives in this row, not in any server's memory, so students
    polling different app servers all see the same slide.
    """

    # When a session ends by itself, so students' pages stop polling (docs/
    # presenting.md says the same to instructors). The presenter's page sends
    # a heartbeat every few seconds while it is open (even in a background
    # tab, where browsers still run a timer once a minute):
    # - no heartbeat for 15 minutes (laptop asleep, network gone, browser
    #   quit) ends it: long enough for a break with the lid shut;
    ABSENT_LIMIT = timedelta(minutes=15)
    # - closing the presenter's tab says so (a beacon), and ends it two
    #   minutes later unless a presenter page comes back (a reload does);
    CLOSED_GRACE = timedelta(minutes=2)
    # - a page left open but not moved for 2 hours ends it: longer than any
    #   class spends on one slide, short of a forgotten lab machine's night.
    IDLE_LIMIT = timedelta(hours=2)

    lesson = models.ForeignKey(
        Lesson, on_delete=models.CASCADE, related_name="presentations"
    )
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="presentations"
    )
    code = models.CharField(max_length=12, unique=True, default=new_code)
    # 1-based, like the #slide-N links.
    slide = models.PositiveIntegerField(default=1)
    # Incremented on every change; followers' ETag.
    version = models.PositiveIntegerField(default=1)
    # The slide's stable id (lessons.rendering.slides): after an edit during
    # class, the class stays on the same slide even if its number changed.
    slide_key = models.CharField(max_length=200, blank=True, default="")
    # Fingerprint of the deck ``slide`` was counted in (Presentation.deck_digest_of).
    deck_digest = models.CharField(max_length=64, blank=True, default="")
    # How many of the slide's reveal items are shown (0: none yet).
    step = models.PositiveIntegerField(default=0)
    # The presenter blacked the screens out (B): students see a dark pause.
    blackout = models.BooleanField(default=False)
    started_at = models.DateTimeField(default=timezone.now)
    moved_at = models.DateTimeField(default=timezone.now)
    # The presenter's page says it is still open (a heartbeat); see is_live.
    presenter_seen_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = PresentationQuerySet.as_manager()

    # What followers' pages are told (lessons.presenter.follow_state reads
    # only these): where the class is, and whether the session is live.
    STATE_FIELDS = (
        "code",
        "lesson",
        "slide",
        "slide_key",
        "deck_digest",
        "step",
        "blackout",
        "version",
        "moved_at",
        "presenter_seen_at",
        "ended_at",
    )

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.lesson} by {self.presenter} ({self.code})"

    def get_absolute_url(self):
        return reverse("lessons:follow", args=[self.code])

    @property
    def is_live(self) -> bool:
        now = timezone.now()
        return (
            self.ended_at is None
            and self.moved_at >= now - self.IDLE_LIMIT
            and self.presenter_seen_at >= now - self.ABSENT_LIMIT
        )

    def etag_for(self, deck_digest: str) -> str:
        """Followers' ETag: changes with every move, every edit of the deck, and the end."""
        state = "live" if self.is_live else "ended"
        return f'"{self.code}-{self.version}-{deck_digest}-{state}"'

    def position_in(self, lesson: Lesson) -> tuple[int, str]:
        """The live slide's number in the deck as it is now, and its id.

        ``slide`` was counted in the deck of the last move; after an edit the
        same slide (same id) may have another number. A slide that was
        removed leaves the class on the slide now at its old number.
        """
        if self.deck_digest == lesson.deck_digest and self.slide_key:
            # Nothing was edited since the last move: no need to read the slides.
            return self.slide, self.slide_key
        ids = lesson.slide_ids
        if self.slide_key in ids:
            return ids.index(self.slide_key) + 1, self.slide_key
        number = max(1, min(self.slide, len(ids)))
        return number, ids[number - 1]

    def move_to(
        self,
        slide: int,
        *,
        key: str = "",
        deck_digest: str = "",
        step: int = 0,
        blackout: bool = False,
    ) -> None:
        """Show ``slide`` to the class, in one UPDATE so racing moves cannot lose the version."""
        now = timezone.now()
        Presentation.objects.filter(pk=self.pk).update(
            slide=slide,
            slide_key=key,
            deck_digest=deck_digest,
            step=step,
            blackout=blackout,
            version=models.F("version") + 1,
            moved_at=now,
            presenter_seen_at=now,
        )
        self.refresh_from_db(fields=self.STATE_FIELDS)

    def beat(self, *, closing: bool = False) -> bool:
        """The presenter's page is still open (or, ``closing``, was just closed).

        Returns whether the session is still live. A heartbeat never brings
        back a session that already ended: its students stopped polling.
        """
        now = timezone.now()
        seen = now - self.ABSENT_LIMIT + self.CLOSED_GRACE if closing else now
        updated = (
            Presentation.objects.live()
            .filter(pk=self.pk)
            .update(presenter_seen_at=seen)
        )
        if updated:
            self.presenter_seen_at = seen
        return bool(updated)

    def end(self) -> None:
        now = timezone.now()
        Presentation.objects.filter(pk=self.pk, ended_at__isnull=True).update(
            ended_at=now, version=models.F("version") + 1
        )
        self.refresh_from_db(fields=["ended_at", "version"])
        # The count was for the presenter during class; nothing to keep.
        self.followers.all().delete()


class Follower(models.Model):
    """A device following a presentation, and when its poll last arrived.

    The device is a random id the student's browser made up and keeps in
    localStorage: no account, no cookie, nothing about the person. It only
    lets the presenter count distinct screens (lessons.following).
    """

    presentation = models.ForeignKey(
        Presentation, on_delete=models.CASCADE, related_name="followers"
    )
    device = models.CharField(max_length=64)
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["presentation", "device"], name="one_row_per_device"
            )
        ]
        # The presenter's count: this presentation's rows seen lately.
        indexes = [
            models.Index(fields=["presentation", "seen_at"], name="follower_recent")
        ]

    def __str__(self):
        return f"{self.device} on {self.presentation.code}"


class LessonSection(models.Model):
    """One section of a lesson as search sees it, rebuilt whenever the lesson is saved.

    The database's own full-text index covers these rows (an FTS5 table on
    SQLite, a generated tsvector column on PostgreSQL; see
    migrations/0003_lessonsection.py), so a search never reads lesson HTML.
    """

    lesson = models.ForeignKey(
        Lesson, on_delete=models.CASCADE, related_name="sections"
    )
    position = models.PositiveIntegerField()
    anchor = models.CharField(max_length=200, blank=True)
    # Copied from the lesson so the index can rank a title match without a join.
    lesson_title = models.CharField(max_length=200)
    heading = models.CharField(max_length=300)
    text = models.TextField(blank=True)
    code = models.TextField(blank=True)

    class Meta:
        ordering = ["lesson", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["lesson", "position"], name="lessons_section_position"
            )
        ]

    def __str__(self):
        return f"{self.lesson_title}: {self.heading}"

    def get_absolute_url(self):
        url = reverse("lessons:detail", args=[self.lesson.slug])
        return f"{url}#{self.anchor}" if self.anchor else url


class Poll(models.Model):
    """A knowledge check posed to a class, with its parts copied from the lesson.

    The question and choices are a copy, not a reference: editing the lesson
    during class cannot change a question students are answering.
    """

    presentation = models.ForeignKey(
        Presentation, on_delete=models.CASCADE, related_name="polls"
    )
    # The check's id in the lesson ("check-2"), to offer it again.
    check_id = models.CharField(max_length=40)
    # Sanitized HTML, made when the lesson was saved (lessons.rendering).
    question_html = models.TextField()
    choices_html = models.JSONField()
    right = models.PositiveSmallIntegerField()
    explanation_html = models.TextField(blank=True, default="")
    opened_at = models.DateTimeField(default=timezone.now)
    # Revealed: the right answer shows on students' screens; answers stop.
    revealed_at = models.DateTimeField(null=True, blank=True)
    # Ended: off students' screens.
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]

    def __str__(self):
        return f"{self.check_id} in {self.presentation.code}"

    @property
    def state(self) -> str:
        if self.ended_at is not None:
            return "ended"
        if self.revealed_at is not None:
            return "revealed"
        return "open"


class PollAnswer(models.Model):
    """One device's answer to a poll: which choice, and nothing about the person.

    ``device`` is a hash of a random token kept in the student's browser,
    salted with the poll, so answers to two polls cannot be linked.
    """

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="answers")
    device = models.CharField(max_length=64)
    choice = models.PositiveSmallIntegerField()
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "device"], name="one_answer_per_device"
            )
        ]

    def __str__(self):
        return f"choice {self.choice} in {self.poll}"
