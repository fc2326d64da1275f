"""Surveys: questions officers edit, versions residents answer, and the answers.

Officers edit `Question` and `Choice` rows: the working copy. Publishing freezes
them into a `SurveyVersion` whose `definition` (JSON, see definition.py) is what
residents answer and what results and exports read. Editing after responses and
publishing again makes a new version; each `Submission` points at the version
it answered, so results can say which version each answer came from.

Answers are stored one row per value (see `Answer`), so results are counted in
the database with GROUP BY and do not need to load submissions into Python.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from coproduce.apps.core.about_you import (
    AgeBand,
    Disability,
    Ethnicity,
    GenderIdentity,
    Sex,
    WelshAbility,
)
from coproduce.apps.engagements.models import Engagement
from coproduce.apps.organisations.models import Area, Organisation, PopulationProfile

if TYPE_CHECKING:
    from modeltranslation.manager import MultilingualManager


class Survey(models.Model):
    """A questionnaire attached to an engagement; it is open while the engagement is."""

    class Access(models.TextChoices):
        ANYONE = "anyone", _("Anyone, without signing in")
        SIGNED_IN = "signed_in", _("Only people who sign in")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="surveys"
    )
    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="surveys"
    )
    slug = models.SlugField(_("short name for web addresses"), max_length=80)
    # Bilingual (modeltranslation): title, introduction.
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), max_length=5000, blank=True)
    access = models.CharField(
        _("who can answer"),
        max_length=20,
        choices=Access.choices,
        default=Access.ANYONE,
    )
    # Only enforceable for signed-in answers, so it requires Access.SIGNED_IN.
    is_one_response_per_person = models.BooleanField(
        _("one response per person"), default=False
    )
    includes_about_you = models.BooleanField(
        _("ask the standard 'about you' questions"), default=True
    )
    offers_email_receipt = models.BooleanField(
        _("offer an email receipt"), default=True
    )
    # The version residents answer now; empty until first published.
    current_version = models.ForeignKey(
        "SurveyVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
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
        objects: ClassVar[MultilingualManager[Survey]]
        title_en: str | None
        title_cy: str | None
        introduction_en: str | None
        introduction_cy: str | None

    class Meta:
        ordering = ("engagement", "pk")
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.UniqueConstraint(
                fields=("engagement", "slug"), name="survey_slug_unique_in_engagement"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if (
            self.organisation_id
            and self.engagement_id
            and self.engagement.organisation_id != self.organisation_id
        ):
            raise ValidationError(
                {"engagement": _("The engagement belongs to another organisation.")}
            )
        if self.is_one_response_per_person and self.access != self.Access.SIGNED_IN:
            raise ValidationError(
                {
                    "is_one_response_per_person": _(
                        "One response per person needs people to sign in: choose "
                        "'Only people who sign in' under 'Who can answer'."
                    )
                }
            )


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    SINGLE_CHOICE = "single_choice", _("One answer from a list")
    MULTIPLE_CHOICE = "multiple_choice", _("Several answers from a list")
    SCALE = "scale", _("Scale (for example, agree to disagree)")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    POSTCODE = "postcode", _("Postcode")
    RANKING = "ranking", _("Ranking")
    MATRIX = "matrix", _("Grid (several statements, same answers)")


# Kinds whose answers come from the question's options.
KINDS_WITH_OPTIONS = frozenset(
    {
        QuestionKind.SINGLE_CHOICE,
        QuestionKind.MULTIPLE_CHOICE,
        QuestionKind.SCALE,
        QuestionKind.RANKING,
        QuestionKind.MATRIX,
    }
)
FREE_TEXT_KINDS = frozenset({QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT})


class Question(models.Model):
    """A question in the officers' working copy of a survey.

    `key` is stable across versions ("q1", "q2", …): answers, routing conditions
    and exports refer to questions by key.

    `settings` holds what only some kinds need: for NUMBER ``{"min": 0, "max":
    120, "integer_only": true}``; for SCALE nothing (its points are options).

    `condition` (routing) shows the question only when an earlier answer
    matches: ``{"question": "q2", "operator": "equals" | "not_equals" |
    "any_of" | "answered" | "not_answered", "values": ["yes"]}``; empty means
    always shown. A page whose questions are all hidden is skipped.
    """

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="questions"
    )
    key = models.SlugField(max_length=40)
    page = models.PositiveSmallIntegerField(_("page"), default=1)
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(
        _("type of question"), max_length=20, choices=QuestionKind.choices
    )
    # Bilingual (modeltranslation): text, help_text.
    text = models.TextField(_("question"), max_length=1000)
    help_text = models.TextField(_("hint"), max_length=2000, blank=True)
    is_required = models.BooleanField(_("an answer is required"), default=False)
    settings = models.JSONField(default=dict, blank=True)
    condition = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    if TYPE_CHECKING:
        objects: ClassVar[MultilingualManager[Question]]
        text_en: str | None
        text_cy: str | None
        help_text_en: str | None
        help_text_cy: str | None

    class Meta:
        ordering = ("survey", "page", "position", "pk")
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(
                fields=("survey", "key"), name="question_key_unique_in_survey"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.text}"


class Choice(models.Model):
    """An option of a choice, scale or ranking question, or a row of a grid.

    For SCALE the values are the points ("1" … "5") and labels say what each
    means. For MATRIX, OPTION rows are the columns (the answers) and ROW rows are
    the statements.
    """

    class Kind(models.TextChoices):
        OPTION = "option", _("Answer option")
        ROW = "row", _("Grid row")

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="choices"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OPTION)
    value = models.SlugField(_("stored value"), max_length=60)
    # Bilingual (modeltranslation): label.
    label = models.CharField(_("label"), max_length=500)
    position = models.PositiveIntegerField(default=0)

    if TYPE_CHECKING:
        objects: ClassVar[MultilingualManager[Choice]]
        label_en: str | None
        label_cy: str | None

    class Meta:
        ordering = ("question", "kind", "position", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("question", "kind", "value"),
                name="choice_value_unique_in_question",
            )
        ]

    def __str__(self) -> str:
        return self.label


class SurveyVersion(models.Model):
    """A frozen, published definition of a survey (see definition.py for its shape)."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ("survey", "number")
        constraints = [
            models.UniqueConstraint(
                fields=("survey", "number"), name="version_number_unique_in_survey"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey} v{self.number}"


class Submission(models.Model):
    """One person's answers to one version of a survey, from any channel."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        PAPER = "paper", _("Paper form")
        PHONE = "phone", _("Telephone")
        EVENT = "event", _("At an event")
        IMPORT = "import", _("Imported file")

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="submissions"
    )
    version = models.ForeignKey(
        SurveyVersion, on_delete=models.PROTECT, related_name="submissions"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.IN_PROGRESS
    )
    # The resident, when signed in; empty for anonymous answers.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submissions",
    )
    # The officer who typed in a paper, phone or event response, or imported it.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Left by the resident for a receipt and to hear what happened next.
    contact_email = models.EmailField(_("email address"), max_length=254, blank=True)
    wants_updates = models.BooleanField(
        _("tell me what happens because of this engagement"), default=False
    )
    language = models.CharField(max_length=5, default="en")
    # Save and continue: the page a signed-in resident gets back to.
    current_page = models.PositiveSmallIntegerField(default=1)
    # About you (see about_you.py); blank when not asked or not answered.
    age_band = models.CharField(max_length=20, choices=AgeBand.choices, blank=True)
    sex = models.CharField(max_length=20, choices=Sex.choices, blank=True)
    gender_identity = models.CharField(
        max_length=20, choices=GenderIdentity.choices, blank=True
    )
    ethnicity = models.CharField(max_length=20, choices=Ethnicity.choices, blank=True)
    disability = models.CharField(max_length=20, choices=Disability.choices, blank=True)
    welsh_ability = models.CharField(
        max_length=20, choices=WelshAbility.choices, blank=True
    )
    postcode = models.CharField(_("postcode"), max_length=8, blank=True)
    # Derived from the postcode through organisations.PostcodeArea.
    area = models.ForeignKey(
        Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    about_you_consented_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("survey", "submitted_at", "pk")
        indexes = [models.Index(fields=("survey", "status"))]
        constraints = [
            # Save and continue keeps one unfinished response per person.
            models.UniqueConstraint(
                fields=("survey", "user"),
                condition=models.Q(status="in_progress"),
                name="one_unfinished_submission_per_user",
            ),
            models.CheckConstraint(
                condition=models.Q(status="in_progress")
                | models.Q(submitted_at__isnull=False),
                name="submitted_submission_has_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} #{self.pk} ({self.get_channel_display()})"


class AnswerTag(models.Model):
    """A label staff put on free-text answers (a theme), per survey."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(_("tag"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "survey", name="tag_name_unique_in_survey"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Answer(models.Model):
    """One stored value of one answer.

    How each kind is stored (`item` is blank unless said):

    - short and long text, postcode, date (ISO 8601): `value_text`;
    - number: `value_number` (and `value_text` as typed);
    - single choice, scale: `value_text` = option value (scale: also
      `value_number`);
    - multiple choice: one row per chosen option, `value_text` = option value;
    - ranking: one row per option, `item` = option value, `value_number` = rank
      (1 is first);
    - grid: one row per answered row, `item` = row value, `value_text` = option.

    `survey` repeats `submission.survey` so results can group answers of a
    survey without joining every submission.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="answers"
    )
    question_key = models.SlugField(max_length=40)
    item = models.CharField(max_length=60, blank=True)
    value_text = models.TextField(max_length=10000, blank=True)
    value_number = models.FloatField(null=True, blank=True)
    tags = models.ManyToManyField(AnswerTag, blank=True, related_name="answers")

    class Meta:
        ordering = ("submission", "question_key", "item", "pk")
        # Not value_text: a btree index cannot hold long free-text answers.
        indexes = [models.Index(fields=("survey", "question_key", "item"))]

    def __str__(self) -> str:
        return f"{self.question_key}={self.value_text or self.value_number}"


def _import_path(survey_import: SurveyImport, filename: str) -> str:
    return f"survey-imports/{survey_import.survey_id}/{filename}"


class SurveyImport(models.Model):
    """A bulk import of responses from a CSV or XLSX file, run as a background task.

    Every row is checked before anything is saved. With ALL_OR_NOTHING (the
    default) one bad row stops the import and nothing is saved; with
    VALID_ROWS_ONLY, chosen explicitly by the officer, the valid rows are saved
    and the bad ones reported.
    """

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all_or_nothing", _("Import nothing if any row has a problem")
        VALID_ROWS_ONLY = "valid_rows_only", _("Import only the rows without problems")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Checking and importing")
        REJECTED = "rejected", _("Not imported: the file has problems")
        COMPLETED = "completed", _("Imported")
        FAILED = "failed", _("Failed")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="imports")
    version = models.ForeignKey(
        SurveyVersion, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(upload_to=_import_path, max_length=300)
    original_filename = models.CharField(max_length=255)
    channel = models.CharField(
        max_length=10,
        choices=Submission.Channel.choices,
        default=Submission.Channel.IMPORT,
    )
    mode = models.CharField(
        max_length=20, choices=Mode.choices, default=Mode.ALL_OR_NOTHING
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    n_rows = models.PositiveIntegerField(default=0)
    n_rows_checked = models.PositiveIntegerField(default=0)  # progress
    n_rows_imported = models.PositiveIntegerField(default=0)
    # Up to 50 problems: [{"row": 14, "column": "age_band", "message": "..."}].
    problems = models.JSONField(default=list, blank=True)
    n_problems = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "pk")

    def __str__(self) -> str:
        return f"{self.original_filename} → {self.survey} ({self.get_status_display()})"


class WeightingRun(models.Model):
    """Raking weights for a survey's responses to a population profile's margins.

    A heavy computation (architecture §4): the request stores this row and
    queues a task; the task computes the weights from the submitted responses'
    "about you" answers and the profile's margins for the engagement's areas,
    then stores them (`SubmissionWeight`) and the figures here in one
    transaction, with the input hash and software version so the result can
    be reproduced. A failed run keeps its error and stores no weights.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Calculating weights")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="weighting_runs"
    )
    # The figures stay with the run if the profile is deleted later.
    profile = models.ForeignKey(
        PopulationProfile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    profile_name = models.CharField(max_length=200)
    characteristics = models.JSONField(default=list)  # about-you field names
    # Trim weights above cap_factor × the mean weight; None: no trimming.
    cap_factor = models.FloatField(null=True, blank=True, default=3.0)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # --- the frozen result (status DONE) --------------------------------------
    n_weighted = models.PositiveIntegerField(default=0)
    # Per characteristic: responses without a known value ("" or "prefer not to
    # say"). They are not left out: they keep their share of the sample on it.
    n_unknown = models.JSONField(default=dict, blank=True)
    # Chosen characteristics the weights could not use (nobody gave a value).
    characteristics_left_out = models.JSONField(default=list, blank=True)
    population_total = models.FloatField(null=True, blank=True)
    deff = models.FloatField(null=True, blank=True)
    n_eff = models.FloatField(null=True, blank=True)
    max_weight = models.FloatField(null=True, blank=True)
    is_trimmed = models.BooleanField(default=False)
    warnings = models.JSONField(default=list, blank=True)
    notices = models.JSONField(default=list, blank=True)
    # {characteristic: {category: {"target": residents, "achieved": Σ weights}}}
    achieved_margins = models.JSONField(default=dict, blank=True)
    input_hash = models.CharField(max_length=64, blank=True)
    software_version = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=("survey", "status"))]

    def __str__(self) -> str:
        return f"{self.survey} weighted to {self.profile_name} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class SubmissionWeight(models.Model):
    """One response's raking weight in one run (people it stands for)."""

    # No index of its own: the unique constraint's index starts with the run.
    run = models.ForeignKey(
        WeightingRun, on_delete=models.CASCADE, related_name="weights", db_index=False
    )
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="weights"
    )
    weight = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("run", "submission"), name="one_weight_per_submission_per_run"
            )
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}: {self.weight:g} ({self.run_id})"
