"""Tag services: audited writes, and nothing written when refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.surveys.models import AnswerTag
from coproduce.apps.surveys.services.tags import (
    AnswerTagError,
    answer_tag_add,
    answer_tag_create,
    answer_tag_delete,
    answer_tag_remove,
    answer_tag_rename,
)
from coproduce.apps.surveys.tests.factories import AnswerFactory, AnswerTagFactory
from coproduce.apps.surveys.tests.results_data import add_responses, survey_of
from coproduce.testing.text import hostile_strings

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(organisation):
    return survey_of(organisation)


@pytest.mark.parametrize("name", hostile_strings(max_length=100))
def test_hostile_tag_names_are_kept_intact(survey, analyst, name):
    tag = answer_tag_create(actor=analyst, survey=survey, name=name)

    assert AnswerTag.objects.get(pk=tag.pk).name == " ".join(name.split())
    assert AuditEvent.objects.filter(action="answer_tag.create").count() == 1


def test_rename_and_delete_are_audited(survey, officer):
    tag = answer_tag_create(actor=officer, survey=survey, name="Parcio")
    answer_tag_rename(actor=officer, tag=tag, name="Parcio ceir")
    answer_tag_delete(actor=officer, tag=tag)

    assert not AnswerTag.objects.exists()
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "answer_tag.create",
        "answer_tag.rename",
        "answer_tag.delete",
    ]


def test_an_empty_or_duplicate_name_is_refused(survey, analyst):
    AnswerTagFactory(survey=survey, name="Traffig")
    for name in ("   ", "TRAFFIG"):
        with pytest.raises(AnswerTagError):
            answer_tag_create(actor=analyst, survey=survey, name=name)
    assert AnswerTag.objects.count() == 1
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    "person", ["elected_member", "community_organiser", "resident"]
)
def test_people_who_may_not_export_cannot_change_tags(survey, request, person):
    actor = request.getfixturevalue(person)
    tag = AnswerTagFactory(survey=survey)
    answer = AnswerFactory(
        submission=add_responses(survey, 1, seed=1)[0], question_key="long-text-q"
    )
    with pytest.raises(PermissionDenied):
        answer_tag_create(actor=actor, survey=survey, name="Newydd")
    with pytest.raises(PermissionDenied):
        answer_tag_rename(actor=actor, tag=tag, name="Newydd")
    with pytest.raises(PermissionDenied):
        answer_tag_delete(actor=actor, tag=tag)
    with pytest.raises(PermissionDenied):
        answer_tag_add(actor=actor, answer=answer, tag=tag)
    assert AnswerTag.objects.count() == 1
    assert not answer.tags.exists()
    assert not AuditEvent.objects.exists()


def test_adding_twice_records_one_event(survey, analyst):
    tag = AnswerTagFactory(survey=survey)
    answer = AnswerFactory(
        submission=add_responses(survey, 1, seed=2)[0], question_key="short-text-q"
    )
    answer_tag_add(actor=analyst, answer=answer, tag=tag)
    answer_tag_add(actor=analyst, answer=answer, tag=tag)
    answer_tag_remove(actor=analyst, answer=answer, tag=tag)
    answer_tag_remove(actor=analyst, answer=answer, tag=tag)

    assert not answer.tags.exists()
    assert AuditEvent.objects.filter(action="answer_tag.add").count() == 1
    assert AuditEvent.objects.filter(action="answer_tag.remove").count() == 1
