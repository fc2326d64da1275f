"""Reads for building and answering surveys, scoped by organisation and actor.

A survey is as visible as its engagement: drafts and scheduled engagements
(and so their surveys) are 404 to anyone outside the organisation.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from coproduce.apps.accounts.models import User
from coproduce.apps.engagements.models import Engagement
from coproduce.apps.engagements.permissions import can_see_unpublished_engagements
from coproduce.apps.organisations.models import Organisation
from coproduce.apps.surveys.definition import SurveyDefinition, definition_build
from coproduce.apps.surveys.models import Question, Submission, Survey, SurveyVersion

UNPUBLISHED_STATUSES = (Engagement.Status.DRAFT, Engagement.Status.SCHEDULED)


def _engagements_visible(
    *, actor: User | AnonymousUser, organisation: Organisation
) -> QuerySet[Engagement]:
    engagements = Engagement.objects.filter(organisation=organisation)
    if not can_see_unpublished_engagements(actor, organisation):
        engagements = engagements.exclude(status__in=UNPUBLISHED_STATUSES)
    return engagements


def engagement_get_for_surveys(
    *, actor: User | AnonymousUser, organisation: Organisation, slug: str
) -> Engagement:
    """An engagement `actor` may see, for survey pages; 404 when missing or hidden."""
    return get_object_or_404(
        _engagements_visible(actor=actor, organisation=organisation), slug=slug
    )


def survey_list_for_engagement(
    *, actor: User | AnonymousUser, engagement: Engagement
) -> QuerySet[Survey]:
    """The engagement's surveys, if `actor` may see the engagement."""
    if engagement.status in UNPUBLISHED_STATUSES and not (
        can_see_unpublished_engagements(actor, engagement.organisation)
    ):
        return Survey.objects.none()
    return (
        Survey.objects.filter(engagement=engagement)
        .select_related("current_version")
        .order_by("pk")
    )


def survey_get(
    *,
    actor: User | AnonymousUser,
    organisation: Organisation,
    engagement_slug: str,
    survey_slug: str,
) -> Survey:
    """One survey whose engagement `actor` may see; 404 when missing or hidden."""
    return get_object_or_404(
        Survey.objects.filter(
            engagement__in=_engagements_visible(actor=actor, organisation=organisation),
            organisation=organisation,
        ).select_related("engagement", "organisation", "current_version"),
        engagement__slug=engagement_slug,
        slug=survey_slug,
    )


def survey_has_unpublished_changes(
    *, survey: Survey, definition: SurveyDefinition | None = None
) -> bool:
    """True if the working copy differs from the live version (or none is live).

    Pass the `definition_build` result when you already have it, to save queries.
    """
    if survey.current_version is None:
        return True
    if definition is None:
        definition = definition_build(survey=survey)
    return bool(definition != survey.current_version.definition)


def question_list(*, survey: Survey) -> QuerySet[Question]:
    """The working copy's questions with their options, in page order."""
    return (
        Question.objects.filter(survey=survey)
        .prefetch_related("choices")
        .order_by("page", "position", "pk")
    )


def question_get(*, survey: Survey, key: str) -> Question:
    """One question of the survey by key; 404 otherwise."""
    return get_object_or_404(
        Question.objects.filter(survey=survey).select_related("survey__organisation"),
        key=key,
    )


def version_list(*, survey: Survey) -> QuerySet[SurveyVersion]:
    """Published versions, newest first, with how many responses each has."""
    return (
        SurveyVersion.objects.filter(survey=survey)
        .select_related("published_by")
        .annotate(
            n_submissions=Count(
                "submissions",
                filter=Q(submissions__status=Submission.Status.SUBMITTED),
            )
        )
        .order_by("-number")
    )


def submission_get_for_confirmation(*, survey: Survey, pk: int) -> Submission:
    """A submitted response of this survey (for its confirmation page)."""
    return get_object_or_404(
        Submission.objects.filter(
            survey=survey, status=Submission.Status.SUBMITTED
        ).select_related("version"),
        pk=pk,
    )
