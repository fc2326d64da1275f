"""Officers build surveys: settings, questions, options, routing, publishing.

Officers edit the working copy (Survey, Question, Choice rows). Residents only
ever see a published SurveyVersion, so edits change nothing for them until
the survey is published again, which freezes a new version.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.apps.accounts.models import User
from coproduce.apps.audit.services import audit_diff, audit_event_create, audit_snapshot
from coproduce.apps.engagements.models import Engagement
from coproduce.apps.engagements.permissions import can_manage_engagements
from coproduce.apps.surveys.definition import (
    QuestionDefinition,
    SurveyDefinition,
    definition_build,
)
from coproduce.apps.surveys.models import (
    KINDS_WITH_OPTIONS,
    QuestionKind,
    Survey,
    SurveyVersion,
)
from coproduce.apps.surveys.routing import condition_problems
from coproduce.errors import DomainError, StateConflictError

_SURVEY_FIELDS = [
    "slug",
    "title_en",
    "title_cy",
    "introduction_en",
    "introduction_cy",
    "access",
    "is_one_response_per_person",
    "includes_about_you",
    "offers_email_receipt",
]
# Words the survey pages use after ".../surveys/", so no survey may take them.
RESERVED_SLUGS = frozenset({"new"})


class SurveyBuildError(DomainError):
    """A survey, question or option breaks a building rule; the message says which."""

    code = "survey_build"


class SurveyPublishError(DomainError):
    """The survey cannot be published yet; `messages` list every problem."""

    code = "survey_publish"


def survey_check_can_manage(
    actor: User, survey_or_engagement: Survey | Engagement
) -> None:
    """PermissionDenied unless `actor` may build surveys in this organisation."""
    if not can_manage_engagements(actor, survey_or_engagement.organisation):
        raise PermissionDenied


@transaction.atomic
def survey_create(
    *,
    actor: User,
    engagement: Engagement,
    slug: str,
    title_en: str,
    title_cy: str = "",
    introduction_en: str = "",
    introduction_cy: str = "",
    access: str = Survey.Access.ANYONE,
    is_one_response_per_person: bool = False,
    includes_about_you: bool = True,
    offers_email_receipt: bool = True,
) -> Survey:
    """Add a survey to an engagement. Raises PermissionDenied, SurveyBuildError or
    ValidationError."""
    survey_check_can_manage(actor, engagement)
    slug = slug.strip().lower()
    if slug in RESERVED_SLUGS:
        raise SurveyBuildError(
            _("'%(slug)s' is used by the site. Choose another short name.")
            % {"slug": slug},
            field="slug",
        )
    if Survey.objects.filter(engagement=engagement, slug=slug).exists():
        raise SurveyBuildError(
            _("Another survey of this engagement already uses this short name."),
            field="slug",
        )
    survey = Survey(
        organisation=engagement.organisation,
        engagement=engagement,
        slug=slug,
        title_en=title_en.strip(),
        title_cy=title_cy.strip(),
        introduction_en=introduction_en.strip(),
        introduction_cy=introduction_cy.strip(),
        access=access,
        is_one_response_per_person=is_one_response_per_person,
        includes_about_you=includes_about_you,
        offers_email_receipt=offers_email_receipt,
        created_by=actor,
    )
    survey.full_clean()
    survey.save()
    audit_event_create(
        actor=actor,
        action="survey.create",
        target=survey,
        changes=audit_snapshot(survey, _SURVEY_FIELDS),
    )
    return survey


@transaction.atomic
def survey_update(
    *,
    actor: User,
    survey: Survey,
    title_en: str,
    title_cy: str,
    introduction_en: str,
    introduction_cy: str,
    access: str,
    is_one_response_per_person: bool,
    includes_about_you: bool,
    offers_email_receipt: bool,
) -> Survey:
    """Change a survey's settings (the working copy; title and introduction are
    published with the next version). Raises PermissionDenied or ValidationError."""
    survey_check_can_manage(actor, survey)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    before = audit_snapshot(survey, _SURVEY_FIELDS)
    survey.title_en = title_en.strip()
    survey.title_cy = title_cy.strip()
    survey.introduction_en = introduction_en.strip()
    survey.introduction_cy = introduction_cy.strip()
    survey.access = access
    survey.is_one_response_per_person = is_one_response_per_person
    survey.includes_about_you = includes_about_you
    survey.offers_email_receipt = offers_email_receipt
    survey.full_clean()
    survey.save()
    audit_event_create(
        actor=actor,
        action="survey.update",
        target=survey,
        changes=audit_diff(before, audit_snapshot(survey, _SURVEY_FIELDS)),
    )
    return survey


def _question_problems(question: QuestionDefinition) -> list[str]:
    key, kind = question["key"], question["kind"]
    n_options, n_rows = len(question["options"]), len(question["rows"])
    if kind in KINDS_WITH_OPTIONS and n_options < 2:
        return [_("Question %(key)s: give at least 2 answer options.") % {"key": key}]
    if kind == QuestionKind.MATRIX and n_rows < 1:
        return [
            _("Question %(key)s: give the grid at least 1 row (statement).")
            % {"key": key}
        ]
    if kind == QuestionKind.NUMBER:
        low = question["settings"].get("min")
        high = question["settings"].get("max")
        if low is not None and high is not None and low > high:
            return [
                _(
                    "Question %(key)s: the lowest number allowed is more than the "
                    "highest."
                )
                % {"key": key}
            ]
    return []


def definition_problems(definition: SurveyDefinition) -> list[str]:
    """Every reason a definition cannot be published, each naming its question."""
    questions = definition["questions"]
    if not questions:
        return [_("Add at least one question before publishing.")]
    problems: list[str] = []
    for index, question in enumerate(questions):
        problems.extend(_question_problems(question))
        problems.extend(condition_problems(question, questions[:index]))
    return problems


@transaction.atomic
def survey_publish(*, actor: User, survey: Survey) -> SurveyVersion:
    """Freeze the working copy as the next version and make it the one residents answer.

    Answers already given keep pointing at the version they answered.
    Raises PermissionDenied, SurveyPublishError (listing every problem) or
    StateConflictError when nothing changed since the live version.
    """
    survey_check_can_manage(actor, survey)
    # Lock: two officers publishing together must not both make version n+1.
    survey = (
        # of=("self",): PostgreSQL cannot lock the nullable side of the outer
        # join to current_version, and only the survey row needs the lock.
        Survey.objects.select_for_update(of=("self",))
        .select_related("current_version", "organisation")
        .get(pk=survey.pk)
    )
    definition = definition_build(survey=survey)
    problems = definition_problems(definition)
    if problems:
        raise SurveyPublishError(problems)
    current = survey.current_version
    if current is not None and current.definition == definition:
        raise StateConflictError(
            _("Nothing has changed since version %(number)d was published.")
            % {"number": current.number}
        )
    last = SurveyVersion.objects.filter(survey=survey).aggregate(last=Max("number"))[
        "last"
    ]
    version = SurveyVersion(
        survey=survey,
        number=(last or 0) + 1,
        definition=definition,
        published_at=timezone.now(),
        published_by=actor,
    )
    version.full_clean()
    version.save()
    survey.current_version = version
    survey.save(update_fields=["current_version", "updated_at"])
    audit_event_create(
        actor=actor,
        action="survey.publish",
        target=survey,
        changes={
            "version": version.number,
            "n_questions": len(definition["questions"]),
        },
    )
    return version
