"""Staff tags (themes) on free-text answers: create, rename, delete, add, remove."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from coproduce.apps.accounts.models import User
from coproduce.apps.audit.services import audit_event_create
from coproduce.apps.engagements.permissions import can_export_responses
from coproduce.apps.surveys.models import FREE_TEXT_KINDS, Answer, AnswerTag, Survey
from coproduce.errors import DomainError


class AnswerTagError(DomainError):
    code = "tag_invalid"


def _check_name(*, survey: Survey, name: str, tag_pk: int | None) -> str:
    name = " ".join(name.split())
    if not name:
        raise AnswerTagError(_("Enter a name for the tag."), field="name")
    if len(name) > 100:
        raise AnswerTagError(
            _("The tag's name must be 100 characters or fewer."), field="name"
        )
    clash = AnswerTag.objects.filter(survey=survey, name__iexact=name)
    if tag_pk is not None:
        clash = clash.exclude(pk=tag_pk)
    if clash.exists():
        raise AnswerTagError(
            _("There is already a tag called '%(name)s'.") % {"name": name},
            field="name",
        )
    return name


@transaction.atomic
def answer_tag_create(*, actor: User, survey: Survey, name: str) -> AnswerTag:
    """Add a tag to the survey. Raises PermissionDenied or AnswerTagError."""
    if not can_export_responses(actor, survey.organisation):
        raise PermissionDenied
    tag = AnswerTag(
        survey=survey, name=_check_name(survey=survey, name=name, tag_pk=None)
    )
    tag.full_clean()
    tag.save()
    audit_event_create(
        actor=actor,
        action="answer_tag.create",
        target=tag,
        organisation=survey.organisation,
        changes={"name": tag.name},
    )
    return tag


@transaction.atomic
def answer_tag_rename(*, actor: User, tag: AnswerTag, name: str) -> AnswerTag:
    """Rename a tag. Raises PermissionDenied or AnswerTagError."""
    survey = tag.survey
    if not can_export_responses(actor, survey.organisation):
        raise PermissionDenied
    tag = AnswerTag.objects.select_for_update().get(pk=tag.pk)
    before = tag.name
    tag.name = _check_name(survey=survey, name=name, tag_pk=tag.pk)
    tag.full_clean()
    tag.save(update_fields=["name"])
    audit_event_create(
        actor=actor,
        action="answer_tag.rename",
        target=tag,
        organisation=survey.organisation,
        changes={"name": {"before": before, "after": tag.name}},
    )
    return tag


@transaction.atomic
def answer_tag_delete(*, actor: User, tag: AnswerTag) -> None:
    """Delete a tag; answers keep their text and lose only the tag."""
    survey = tag.survey
    if not can_export_responses(actor, survey.organisation):
        raise PermissionDenied
    audit_event_create(
        actor=actor,
        action="answer_tag.delete",
        target=tag,
        organisation=survey.organisation,
        changes={"name": tag.name},
    )
    tag.delete()


def _check_answer(answer: Answer, tag: AnswerTag) -> None:
    if answer.survey_id != tag.survey_id:
        raise AnswerTagError(_("Choose a tag of this survey."), field="tag")
    kinds = {
        question["key"]: question["kind"]
        for question in answer.submission.version.definition.get("questions", [])
    }
    if kinds.get(answer.question_key) not in FREE_TEXT_KINDS:
        raise AnswerTagError(_("Only written answers can be tagged."))


@transaction.atomic
def answer_tag_add(*, actor: User, answer: Answer, tag: AnswerTag) -> None:
    """Put a tag on a free-text answer (nothing happens if it is already there)."""
    if not can_export_responses(actor, tag.survey.organisation):
        raise PermissionDenied
    _check_answer(answer, tag)
    if answer.tags.filter(pk=tag.pk).exists():
        return
    answer.tags.add(tag)
    audit_event_create(
        actor=actor,
        action="answer_tag.add",
        target=tag,
        organisation=tag.survey.organisation,
        changes={"answer": answer.pk},
    )


@transaction.atomic
def answer_tag_remove(*, actor: User, answer: Answer, tag: AnswerTag) -> None:
    """Take a tag off an answer (nothing happens if it was not there)."""
    if not can_export_responses(actor, tag.survey.organisation):
        raise PermissionDenied
    if not answer.tags.filter(pk=tag.pk).exists():
        return
    answer.tags.remove(tag)
    audit_event_create(
        actor=actor,
        action="answer_tag.remove",
        target=tag,
        organisation=tag.survey.organisation,
        changes={"answer": answer.pk},
    )
