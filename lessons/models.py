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
        fields = [
            "html",
            "headings",
            "demos",
            "sources",
            "used",
            "rendered_digest",
            "slides",
            "renderer_version",
        ]
        Lesson.objects.filter(pk=self.pk).update(
            **{name: getattr(self, name) for name in fields}
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
        """Not ended, and moved recently enough that someone is still presenting."""
        cutoff = timezone.now() - Presentation.IDLE_LIMIT
        return self.filter(ended_at__isnull=True, moved_at__gte=cutoff)


class Presentation(models.Model):
    """A follow-along session: which slide a presenter is showing a class.

    The state lives in this row, not in any server's memory, so students
    polling different app servers all see the same slide.
    """

    # A session nobody moved for this long is over; followers stop polling.
    IDLE_LIMIT = timedelta(hours=6)

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

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.lesson} by {self.presenter} ({self.code})"

    def get_absolute_url(self):
        return reverse("lessons:follow", args=[self.code])

    @property
    def is_live(self) -> bool:
        return (
            self.ended_at is None and self.moved_at >= timezone.now() - self.IDLE_LIMIT
        )

    @property
    def etag(self) -> str:
        return f'"{self.code}-{self.version}-{"live" if self.is_live else "ended"}"'

    def move_to(self, slide: int) -> None:
        """Show ``slide`` to the class, in one UPDATE so racing moves cannot lose the version."""
        now = timezone.now()
        Presentation.objects.filter(pk=self.pk).update(
            slide=slide, version=models.F("version") + 1, moved_at=now
        )
        self.refresh_from_db(fields=["slide", "version", "moved_at"])

    def end(self) -> None:
        now = timezone.now()
        Presentation.objects.filter(pk=self.pk, ended_at__isnull=True).update(
            ended_at=now, version=models.F("version") + 1
        )
        self.refresh_from_db(fields=["ended_at", "version"])


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
