"""Engagements: what an organisation asks residents, how far they can shape it, and
what it answered back ("you said, we did").

Bilingual fields (title, summary, purpose, …) get `_en` and `_cy` columns from
django-modeltranslation (see translation.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coproduce.apps.organisations.models import Area, Organisation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
    from modeltranslation.manager import MultilingualManager


class ParticipationLevel(models.TextChoices):
    """The product's own five-level scale, from telling people to handing over power.

    Order matters: the dashboard reports the share of engagements above CONSULT.
    """

    INFORM = "inform", _("Inform")
    CONSULT = "consult", _("Consult")
    INVOLVE = "involve", _("Involve")
    COLLABORATE = "collaborate", _("Collaborate")
    EMPOWER = "empower", _("Empower")


# Shown to residents next to the level, so they know what their input can change.
PARTICIPATION_LEVEL_DEFINITIONS: dict[str, StrOrPromise] = {
    ParticipationLevel.INFORM: _(
        "We are telling you about a decision or a change. You cannot change it "
        "here, but you can ask questions."
    ),
    ParticipationLevel.CONSULT: _(
        "We are asking for your views before we decide. We will tell you what we "
        "heard and what we decided."
    ),
    ParticipationLevel.INVOLVE: _(
        "We are working with you throughout, so that your concerns and ideas "
        "shape the options we consider."
    ),
    ParticipationLevel.COLLABORATE: _(
        "We are working with you as partners on each part of the decision, "
        "including finding the options and choosing between them."
    ),
    ParticipationLevel.EMPOWER: _(
        "You decide. We will carry out what residents decide, within the limits "
        "we have set out."
    ),
}

LEVELS_ABOVE_CONSULT = frozenset(
    {
        ParticipationLevel.INVOLVE,
        ParticipationLevel.COLLABORATE,
        ParticipationLevel.EMPOWER,
    }
)


class Topic(models.Model):
    """A tag residents can filter engagements by (parks, housing, …)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="topics"
    )
    # `name` is bilingual: modeltranslation adds name_en and name_cy.
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("short name for web addresses"), max_length=60)

    if TYPE_CHECKING:
        objects: ClassVar[MultilingualManager[Topic]]
        name_en: str | None
        name_cy: str | None

    class Meta:
        ordering = ("name",)
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        constraints = [
            models.UniqueConstraint(
                fields=("organisation", "slug"),
                name="topic_slug_unique_in_organisation",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Engagement(models.Model):
    """One piece of engagement: a consultation, a co-design project, a briefing.

    The status moves only through the services (engagements.services), which
    enforce the lifecycle draft → scheduled → open → closed → responded →
    archived.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        RESPONDED = "responded", _("Responded")
        ARCHIVED = "archived", _("Archived")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="engagements"
    )
    slug = models.SlugField(_("short name for web addresses"), max_length=80)
    # Bilingual (modeltranslation): title, summary, purpose.
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=2000)
    purpose = models.TextField(
        _("what can change because of residents' input"), max_length=2000
    )
    level = models.CharField(
        _("participation level"), max_length=20, choices=ParticipationLevel.choices
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="engagements", verbose_name=_("topics")
    )
    areas = models.ManyToManyField(
        Area, blank=True, related_name="engagements", verbose_name=_("areas")
    )
    owning_team = models.CharField(_("team responsible"), max_length=200)
    contact_email = models.EmailField(_("contact email address"), max_length=254)
    contact_phone = models.CharField(
        _("contact telephone number"), max_length=30, blank=True
    )
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    allows_comments = models.BooleanField(_("residents can comment"), default=False)
    # Set when the engagement closes: closing date + the organisation's
    # response_due_weeks; an officer may move it.
    response_due_on = models.DateField(_("response due"), null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    if TYPE_CHECKING:
        objects: ClassVar[MultilingualManager[Engagement]]
        title_en: str | None
        title_cy: str | None
        summary_en: str | None
        summary_cy: str | None
        purpose_en: str | None
        purpose_cy: str | None

    class Meta:
        ordering = ("-created_at", "pk")
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        constraints = [
            models.UniqueConstraint(
                fields=("organisation", "slug"),
                name="engagement_slug_unique_in_organisation",
            ),
            models.CheckConstraint(
                condition=models.Q(opens_at__isnull=True)
                | models.Q(closes_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
                name="engagement_closes_after_it_opens",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "engagements:engagement-detail",
            kwargs={"org_slug": self.organisation.slug, "slug": self.slug},
        )

    @property
    def level_definition(self) -> StrOrPromise:
        return PARTICIPATION_LEVEL_DEFINITIONS[self.level]


class EngagementEvent(models.Model):
    """A meeting, drop-in or workshop held in person (or by phone or video)."""

    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="events"
    )
    # Bilingual (modeltranslation): title, accessibility_information.
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    venue = models.CharField(_("venue and address"), max_length=300)
    accessibility_information = models.TextField(
        _("accessibility information"), max_length=2000, blank=True
    )
    # Filled in afterwards; empty until then.
    attendance_count = models.PositiveIntegerField(
        _("number of people who came"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    if TYPE_CHECKING:
        objects: ClassVar[MultilingualManager[EngagementEvent]]
        title_en: str | None
        title_cy: str | None
        accessibility_information_en: str | None
        accessibility_information_cy: str | None

    class Meta:
        ordering = ("starts_at", "pk")
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gt=models.F("starts_at")),
                name="event_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.title


def _document_path(document: EngagementDocument, filename: str) -> str:
    # The stored name is not the uploaded one: residents' file names can hold
    # anything, and two uploads must never overwrite each other.
    return f"engagements/{document.engagement_id}/{filename}"


class EngagementDocument(models.Model):
    """A file residents can read (a plan, a report, an easy-read version)."""

    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="documents"
    )
    # Bilingual (modeltranslation): title.
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=_document_path, max_length=300)
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    if TYPE_CHECKING:
        objects: ClassVar[MultilingualManager[EngagementDocument]]
        title_en: str | None
        title_cy: str | None

    class Meta:
        ordering = ("created_at", "pk")
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title


class EngagementResponse(models.Model):
    """ "You said, we did": the organisation's published answer to an engagement."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    engagement = models.OneToOneField(
        Engagement, on_delete=models.CASCADE, related_name="response"
    )
    # Bilingual (modeltranslation): the four parts of the answer.
    what_we_heard = models.TextField(_("what we heard"), max_length=10000)
    what_we_decided = models.TextField(_("what we decided"), max_length=10000)
    what_changes = models.TextField(_("what will change"), max_length=10000)
    what_does_not_change = models.TextField(
        _("what will not change, and why"), max_length=10000
    )
    # Which survey questions and free-text tags each answer draws on, so
    # residents can see the link between what they said and what was done.
    linked_questions = models.ManyToManyField(
        "surveys.Question", blank=True, related_name="+"
    )
    linked_tags = models.ManyToManyField(
        "surveys.AnswerTag", blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # How many people the publication e-mail went to (filled by the task).
    notified_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    if TYPE_CHECKING:
        objects: ClassVar[MultilingualManager[EngagementResponse]]

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")

    def __str__(self) -> str:
        return f"{self.engagement}: {self.get_status_display()}"


class Comment(models.Model):
    """A resident's public comment on an engagement, shown after moderation."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        APPROVED = "approved", _("Published")
        REJECTED = "rejected", _("Not published")

    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    body = models.TextField(_("comment"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    # Shown to the author when a comment is not published.
    rejection_reason = models.TextField(
        _("reason for not publishing"), max_length=1000, blank=True
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "pk")
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(rejection_reason=""),
                name="rejected_comment_has_a_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.author} on {self.engagement}"
