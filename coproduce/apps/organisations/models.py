from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.apps.core.about_you import ABOUT_YOU_FIELDS
from coproduce.apps.organisations.postcodes import POSTCODE_PREFIX_PATTERN

if TYPE_CHECKING:
    from modeltranslation.manager import MultilingualManager


class Organisation(models.Model):
    """A public body using Coproduce: the tenant every domain row belongs to."""

    class Kind(models.TextChoices):
        COUNCIL = "council", _("Council")
        HEALTH_BOARD = "health_board", _("Health board")
        OTHER = "other", _("Other public body")

    # `name` is bilingual: modeltranslation adds name_en and name_cy.
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("short name for web addresses"), max_length=60, unique=True
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    # "You said, we did": how long after an engagement closes its published
    # response is due. Twelve weeks is the product's default promise; each
    # organisation may set its own, and the dashboard lists responses overdue.
    response_due_weeks = models.PositiveSmallIntegerField(
        _("weeks to publish a response after an engagement closes"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(104)],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    if TYPE_CHECKING:
        # Added at run time by modeltranslation (see translation.py), which also
        # swaps in its manager; declared so mypy knows them (django-stubs#1023).
        objects: ClassVar[MultilingualManager[Organisation]]
        name_en: str | None
        name_cy: str | None

    class Meta:
        ordering = ("name",)
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "organisations:organisation-dashboard", kwargs={"org_slug": self.slug}
        )


gss_code_validator = RegexValidator(
    regex=r"^[A-Z0-9]{1,12}$",
    message=_(
        "Enter the code in capital letters and digits only, for example "
        "W05000001 or E05012345."
    ),
)


class Area(models.Model):
    """A place an organisation serves, in a tree: whole area → ward → smaller units.

    `code` is the official code where there is one (ONS GSS codes such as W05… for
    Welsh wards or E01… for English LSOAs); it is unique within the organisation.
    """

    class Level(models.TextChoices):
        ORGANISATION = "organisation", _("Whole organisation")
        DISTRICT = "district", _("District or locality")
        WARD = "ward", _("Ward or electoral division")
        SMALL_AREA = "small_area", _("Small area (LSOA or similar)")
        OTHER = "other", _("Other")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="areas"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    # `name` is bilingual: modeltranslation adds name_en and name_cy.
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(
        _("official code"), max_length=12, validators=[gss_code_validator]
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    if TYPE_CHECKING:  # see Organisation
        objects: ClassVar[MultilingualManager[Area]]
        name_en: str | None
        name_cy: str | None

    class Meta:
        ordering = ("name",)
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [
            models.UniqueConstraint(
                fields=("organisation", "code"), name="area_code_unique_in_organisation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        if (
            self.parent_id is not None
            and self.parent is not None
            and self.parent.organisation_id != self.organisation_id
        ):
            raise ValidationError(
                {"parent": _("The parent area must belong to the same organisation.")}
            )


class PostcodeArea(models.Model):
    """Which area a postcode (or the start of one) falls in, for this organisation.

    `prefix` is a normalised postcode or the start of one, without spaces: a full
    unit ("CF101AA"), a sector ("CF101") or a district ("CF10"). A postcode
    belongs to the area of its longest matching prefix, so a district can map to
    a ward while a few units inside it map elsewhere.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="postcode_areas"
    )
    prefix = models.CharField(
        _("postcode or start of postcode"),
        max_length=7,
        validators=[
            RegexValidator(
                regex=POSTCODE_PREFIX_PATTERN,
                message=_(
                    "Enter a postcode district (CF10), sector (CF10 1) or full "
                    "postcode (CF10 1AA), in capital letters without spaces."
                ),
            )
        ],
    )
    area = models.ForeignKey(
        Area, on_delete=models.CASCADE, related_name="postcode_prefixes"
    )

    class Meta:
        ordering = ("prefix",)
        constraints = [
            models.UniqueConstraint(
                fields=("organisation", "prefix"),
                name="postcode_prefix_unique_in_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix} → {self.area}"


class Role(models.TextChoices):
    """What a member may do in an organisation. Every role is staff and needs MFA."""

    ADMINISTRATOR = "administrator", _("Administrator")
    ENGAGEMENT_OFFICER = "engagement_officer", _("Engagement officer")
    ANALYST = "analyst", _("Analyst")
    ELECTED_MEMBER = "elected_member", _("Elected member")
    COMMUNITY_ORGANISER = "community_organiser", _("Community organiser")


class Membership(models.Model):
    """A user's role in one organisation. One role per person per organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("organisation", "user__email")
        constraints = [
            models.UniqueConstraint(
                fields=("organisation", "user"), name="one_membership_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"


def _new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


def _invitation_expiry() -> datetime:
    return timezone.now() + timedelta(days=settings.COPRODUCE_INVITATION_VALID_DAYS)


class Invitation(models.Model):
    """An e-mailed invitation to join an organisation with a role.

    The e-mail goes out from a background task; `email_status` shows the
    inviting administrator whether it was sent.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a reply")
        ACCEPTED = "accepted", _("Accepted")
        CANCELLED = "cancelled", _("Cancelled")

    class EmailStatus(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Could not be sent")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"), max_length=254)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    token = models.CharField(max_length=64, unique=True, default=_new_invitation_token)
    # Empty for the first administrator, invited by the installation's set-up.
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING
    )
    email_status = models.CharField(
        max_length=20, choices=EmailStatus.choices, default=EmailStatus.QUEUED
    )
    email_error = models.CharField(max_length=500, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "organisation",
                condition=models.Q(status="pending"),
                name="one_pending_invitation_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation} ({self.get_role_display()})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


# The "about you" characteristics a population profile may hold: the same keys
# surveys store on each submission, so margins and participants line up.
POPULATION_CHARACTERISTIC_CHOICES = [(name, name) for name in ABOUT_YOU_FIELDS]


class PopulationProfile(models.Model):
    """Who lives in an organisation's areas: census margins for one age base.

    The counts are in PopulationMargin rows, one per area, characteristic and
    category. Inclusion analytics compare participants against them.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="population_profiles"
    )
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(
        _("source"), max_length=200, help_text=_("For example, Census 2021.")
    )
    age_base = models.CharField(
        _("age base"),
        max_length=50,
        help_text=_("Who the counts include, for example 16+."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name",)
        verbose_name = _("population profile")
        verbose_name_plural = _("population profiles")
        constraints = [
            models.UniqueConstraint(
                fields=("organisation", "name"),
                name="population_profile_name_unique_in_organisation",
            )
        ]

    def __str__(self) -> str:
        return self.name


class PopulationMargin(models.Model):
    """How many residents of one area fall in one category of one characteristic."""

    profile = models.ForeignKey(
        PopulationProfile, on_delete=models.CASCADE, related_name="margins"
    )
    area = models.ForeignKey(
        Area, on_delete=models.CASCADE, related_name="population_margins"
    )
    characteristic = models.CharField(
        _("characteristic"), max_length=30, choices=POPULATION_CHARACTERISTIC_CHOICES
    )
    # A category value from core.about_you (for example "16_24" or "white").
    category = models.CharField(_("category"), max_length=30)
    count = models.PositiveBigIntegerField(_("count"))

    class Meta:
        ordering = ("profile", "area", "characteristic", "category")
        verbose_name = _("population margin")
        verbose_name_plural = _("population margins")
        constraints = [
            models.UniqueConstraint(
                fields=("profile", "area", "characteristic", "category"),
                name="population_margin_unique_cell",
            )
        ]

    def __str__(self) -> str:
        return f"{self.area.code} {self.characteristic}={self.category}: {self.count}"


class CensusLabelMapping(models.Model):
    """An organisation's choice for an ONS category label the product does not know.

    Many labels may map to one category; a blank category means "leave out (not
    counted)". Saved from the mapping screen and reused by every later import.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="census_label_mappings"
    )
    characteristic = models.CharField(
        _("characteristic"), max_length=30, choices=POPULATION_CHARACTERISTIC_CHOICES
    )
    # The label normalised (NFC, case-folded, trimmed): what imports look up.
    source_label_key = models.CharField(max_length=500)
    # The label as it first appeared in a file, for people to read.
    source_label = models.CharField(_("label in the file"), max_length=500)
    # A category value from core.about_you, or "" to leave the label out.
    category = models.CharField(_("category"), max_length=30, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("organisation", "characteristic", "source_label_key")
        verbose_name = _("census label mapping")
        verbose_name_plural = _("census label mappings")
        constraints = [
            models.UniqueConstraint(
                fields=("organisation", "characteristic", "source_label_key"),
                name="census_label_mapping_unique_label",
            )
        ]

    def __str__(self) -> str:
        return f"{self.characteristic}: {self.source_label} → {self.category or '-'}"

    def clean(self) -> None:
        choices = ABOUT_YOU_FIELDS.get(self.characteristic)
        if (
            choices is not None
            and self.category
            and (
                self.category not in choices.values
                or self.category == "prefer_not_to_say"
            )
        ):
            raise ValidationError(
                {"category": _("Choose one of the characteristic's categories.")}
            )


def _staging_expiry() -> datetime:
    return timezone.now() + timedelta(days=1)


class CensusImportStaging(models.Model):
    """An upload waiting for its owner to map unknown ONS labels.

    Keeps the uploaded files and the profile's details between the upload and
    the mapping screen, so nobody uploads twice. Deleted when the import
    succeeds or is cancelled; after a day it is expired and deleted.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(max_length=200)
    source = models.CharField(max_length=200)
    age_base = models.CharField(max_length=50)
    notes = models.TextField(blank=True)
    # The characteristic the officer chose for tables whose heading says none.
    characteristic = models.CharField(max_length=30, blank=True)
    # [{"name": file name, "content": base64 of the bytes}, …]
    files = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_staging_expiry)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class Nation(models.TextChoices):
    """A UK nation. Deprivation deciles rank small areas within one nation only."""

    ENGLAND = "england", _("England")
    WALES = "wales", _("Wales")
    SCOTLAND = "scotland", _("Scotland")
    NORTHERN_IRELAND = "northern_ireland", _("Northern Ireland")


class DeprivationIndex(models.Model):
    """A national deprivation index for an organisation's small areas.

    For example the English Indices of Deprivation 2019 or the Welsh Index of
    Multiple Deprivation 2019, as uploaded by the organisation. The deciles are
    in DeprivationArea rows. Deciles rank areas within `nation` only, so an
    index never mixes nations (spec inclusion-metrics §6).
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="deprivation_indices"
    )
    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_("For example, Welsh Index of Multiple Deprivation 2019."),
    )
    nation = models.CharField(_("nation"), max_length=20, choices=Nation.choices)
    edition = models.CharField(
        _("edition"),
        max_length=50,
        help_text=_("For example, IoD2019 or WIMD 2019."),
    )
    geography = models.CharField(
        _("small areas"),
        max_length=50,
        help_text=_("The areas the deciles are for, for example LSOA 2011."),
    )
    notes = models.TextField(_("notes"), blank=True)
    # Rows of the uploaded file for areas that are not this organisation's (a
    # national file holds every small area of the nation).
    n_skipped_rows = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name",)
        verbose_name = _("deprivation index")
        verbose_name_plural = _("deprivation indices")
        constraints = [
            models.UniqueConstraint(
                fields=("organisation", "name"),
                name="deprivation_index_name_unique_in_organisation",
            )
        ]

    def __str__(self) -> str:
        return self.name


class DeprivationArea(models.Model):
    """One area's national deprivation decile (1 = most deprived 10 %) in one index."""

    index = models.ForeignKey(
        DeprivationIndex, on_delete=models.CASCADE, related_name="areas"
    )
    area = models.ForeignKey(
        Area, on_delete=models.CASCADE, related_name="deprivation_deciles"
    )
    decile = models.PositiveSmallIntegerField(
        _("decile"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    # The national rank (1 = most deprived), where the file gives it.
    rank = models.PositiveIntegerField(
        _("rank"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    # Residents of the area (for the shares of residents per decile); empty
    # when the file does not give them.
    residents = models.PositiveIntegerField(_("residents"), null=True, blank=True)

    class Meta:
        ordering = ("index", "decile", "area__code")
        verbose_name = _("deprivation decile of an area")
        verbose_name_plural = _("deprivation deciles of areas")
        constraints = [
            models.UniqueConstraint(
                fields=("index", "area"), name="deprivation_area_unique_in_index"
            ),
            models.CheckConstraint(
                condition=models.Q(decile__gte=1, decile__lte=10),
                name="deprivation_decile_1_to_10",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area.code}: {self.decile}"
