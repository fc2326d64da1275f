"""Weighting runs: who may ask, what is checked, the task through the database."""

from __future__ import annotations

import io
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.core.about_you import PREFER_NOT_TO_SAY, AgeBand
from coproduce.apps.organisations.tests.factories import (
    PopulationMarginFactory,
    PopulationProfileFactory,
)
from coproduce.apps.surveys.models import SubmissionWeight, WeightingRun
from coproduce.apps.surveys.services.weighting import (
    STALLED_AFTER,
    WeightingError,
    characteristics_with_margins,
    weighting_run_cancel,
    weighting_run_execute,
    weighting_run_request,
    weighting_runs_fail_stalled,
)
from coproduce.apps.surveys.tests.factories import SubmissionFactory
from coproduce.apps.surveys.tests.weighting_data import (
    OLD,
    example_profile,
    example_survey,
    expected_weight,
)
from coproduce.errors import StateConflictError

pytestmark = pytest.mark.django_db

BOTH = ["sex", "age_band"]


@pytest.fixture
def example(organisation):
    return example_survey(organisation)


def _queue(actor, survey, profile, characteristics=BOTH, cap=3.0, capture=None):
    """Request a run without running its task (the callbacks are dropped)."""
    with capture(execute=False):
        return weighting_run_request(
            actor=actor,
            survey=survey,
            profile=profile,
            characteristics=characteristics,
            cap=cap,
        )


def test_the_spec_example_is_weighted_end_to_end_through_the_task(
    example, analyst, django_capture_on_commit_callbacks
):
    survey, profile, submissions = example
    with django_capture_on_commit_callbacks(execute=True):
        run = weighting_run_request(
            actor=analyst, survey=survey, profile=profile, characteristics=BOTH
        )
    run.refresh_from_db()
    assert run.status == WeightingRun.Status.DONE, run.error
    weights = dict(
        SubmissionWeight.objects.filter(run=run).values_list("submission", "weight")
    )
    assert len(weights) == 9
    for submission in submissions:
        assert weights[submission.pk] == pytest.approx(expected_weight(submission))
    assert run.n_weighted == 9
    assert run.population_total == pytest.approx(1000)
    # Σw² = 2·100² + 4·75² + 200² + 2·150² = 127,500: deff = 9·127,500/1,000².
    assert run.deff == pytest.approx(1.1475)
    assert run.n_eff == pytest.approx(9 / 1.1475)
    assert run.characteristics == ["age_band", "sex"]  # the questions' order
    assert run.achieved_margins["sex"]["female"]["achieved"] == pytest.approx(500)
    assert run.achieved_margins["age_band"][OLD]["target"] == pytest.approx(600)
    assert run.n_unknown == {"age_band": 0, "sex": 0}
    assert len(run.input_hash) == 64
    assert "weightipy" in run.software_version
    assert run.started_at <= run.finished_at
    # Warned: n_eff 7.84 is below 30.
    assert any("effective participants" in warning for warning in run.warnings)
    assert AuditEvent.objects.filter(action="weighting_run.request").count() == 1


def test_the_same_input_gives_the_same_hash(
    example, analyst, django_capture_on_commit_callbacks
):
    survey, profile, _submissions = example
    hashes = []
    for _ in range(2):
        run = _queue(
            analyst, survey, profile, capture=django_capture_on_commit_callbacks
        )
        hashes.append(weighting_run_execute(weighting_run_id=run.pk).input_hash)
    assert hashes[0] == hashes[1]
    SubmissionFactory(survey=survey, sex="male", age_band=OLD)
    run = _queue(analyst, survey, profile, capture=django_capture_on_commit_callbacks)
    assert weighting_run_execute(weighting_run_id=run.pk).input_hash != hashes[0]


def test_unknown_values_keep_their_share_and_are_counted(
    example, analyst, django_capture_on_commit_callbacks
):
    survey, profile, _submissions = example
    unknown = [
        SubmissionFactory(survey=survey, sex="female", age_band=PREFER_NOT_TO_SAY),
        SubmissionFactory(survey=survey, sex="male", age_band=""),
    ]
    # Not submitted: never weighted.
    SubmissionFactory(
        survey=survey, status="in_progress", submitted_at=None, sex="male"
    )
    run = _queue(analyst, survey, profile, capture=django_capture_on_commit_callbacks)
    run = weighting_run_execute(weighting_run_id=run.pk)
    assert run.status == WeightingRun.Status.DONE, run.error
    assert run.n_weighted == 11
    assert run.n_unknown == {"age_band": 2, "sex": 0}
    weights = SubmissionWeight.objects.filter(run=run)
    assert weights.count() == 11
    assert {w.submission_id for w in weights} >= {s.pk for s in unknown}
    assert sum(w.weight for w in weights) == pytest.approx(1000)


def test_a_category_without_respondents_fails_with_the_message_and_stores_nothing(
    organisation, analyst, django_capture_on_commit_callbacks
):
    survey, profile, _submissions = example_survey(organisation)
    area = profile.margins.first().area
    PopulationMarginFactory(
        profile=profile,
        area=area,
        characteristic="age_band",
        category=AgeBand.AGE_75_PLUS,
        count=100,
    )
    profile.margins.filter(category=OLD).update(count=500)  # totals still agree
    run = _queue(analyst, survey, profile, capture=django_capture_on_commit_callbacks)
    run = weighting_run_execute(weighting_run_id=run.pk)
    assert run.status == WeightingRun.Status.FAILED
    assert "No participants in '75_plus'" in run.error
    assert "Merge it with a neighbouring category" in run.error
    assert not SubmissionWeight.objects.exists()
    assert run.deff is None
    assert run.n_weighted == 0
    assert run.input_hash == ""


def test_an_unexpected_error_fails_the_run_and_stores_nothing(
    example, analyst, django_capture_on_commit_callbacks
):
    survey, profile, _submissions = example
    run = _queue(analyst, survey, profile, capture=django_capture_on_commit_callbacks)
    from coproduce.apps.surveys.services import weighting

    real = weighting._insert_weights

    def insert_then_fail(*args):
        real(*args)  # the weights are written, then the disk fills up
        raise RuntimeError("disk full")

    with mock.patch.object(weighting, "_insert_weights", side_effect=insert_then_fail):
        run = weighting_run_execute(weighting_run_id=run.pk)
    assert run.status == WeightingRun.Status.FAILED
    assert "RuntimeError" in run.error
    assert not SubmissionWeight.objects.exists()
    assert run.deff is None


def test_a_run_that_is_not_queued_is_left_alone(
    example, analyst, django_capture_on_commit_callbacks
):
    survey, profile, _submissions = example
    run = _queue(analyst, survey, profile, capture=django_capture_on_commit_callbacks)
    weighting_run_cancel(actor=analyst, run=run)
    again = weighting_run_execute(weighting_run_id=run.pk)
    assert again.status == WeightingRun.Status.CANCELLED
    assert not SubmissionWeight.objects.exists()


def test_a_run_cancelled_while_calculating_stores_nothing(
    example, analyst, django_capture_on_commit_callbacks
):
    survey, profile, _submissions = example
    run = _queue(analyst, survey, profile, capture=django_capture_on_commit_callbacks)
    from coproduce.apps.surveys.services import weighting

    real = weighting.input_hash

    def cancel_then_hash(**kwargs):
        weighting_run_cancel(actor=analyst, run=run)
        return real(**kwargs)

    with mock.patch.object(weighting, "input_hash", side_effect=cancel_then_hash):
        done = weighting_run_execute(weighting_run_id=run.pk)
    assert done.status == WeightingRun.Status.CANCELLED
    assert not SubmissionWeight.objects.exists()
    assert AuditEvent.objects.filter(action="weighting_run.cancel").count() == 1


def test_a_finished_run_cannot_be_cancelled(
    example, analyst, django_capture_on_commit_callbacks
):
    survey, profile, _submissions = example
    run = _queue(analyst, survey, profile, capture=django_capture_on_commit_callbacks)
    run = weighting_run_execute(weighting_run_id=run.pk)
    with pytest.raises(StateConflictError):
        weighting_run_cancel(actor=analyst, run=run)
    run.refresh_from_db()
    assert run.status == WeightingRun.Status.DONE


def test_only_one_run_at_a_time(example, analyst, django_capture_on_commit_callbacks):
    survey, profile, _submissions = example
    _queue(analyst, survey, profile, capture=django_capture_on_commit_callbacks)
    with pytest.raises(StateConflictError):
        _queue(analyst, survey, profile, capture=django_capture_on_commit_callbacks)


@pytest.mark.parametrize("person", ["administrator", "analyst"])
def test_administrators_and_analysts_may_weight(
    example, request, person, django_capture_on_commit_callbacks
):
    survey, profile, _submissions = example
    run = _queue(
        request.getfixturevalue(person),
        survey,
        profile,
        capture=django_capture_on_commit_callbacks,
    )
    assert run.status == WeightingRun.Status.QUEUED


@pytest.mark.parametrize(
    "person",
    [
        "officer",
        "elected_member",
        "community_organiser",
        "resident",
        "staff_of_other_organisation",
    ],
)
def test_others_may_not_weight_or_cancel(
    example, request, person, analyst, django_capture_on_commit_callbacks
):
    survey, profile, _submissions = example
    actor = request.getfixturevalue(person)
    with pytest.raises(PermissionDenied):
        _queue(actor, survey, profile, capture=django_capture_on_commit_callbacks)
    run = _queue(analyst, survey, profile, capture=django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied):
        weighting_run_cancel(actor=actor, run=run)
    run.refresh_from_db()
    assert run.status == WeightingRun.Status.QUEUED
    assert WeightingRun.objects.count() == 1


@pytest.mark.parametrize(
    ("characteristics", "cap", "message"),
    [
        ([], 3.0, "at least one characteristic"),
        (["shoe_size"], 3.0, "shoe_size is not"),
        (["<script>ŵ</script>"], 3.0, "not an “about you” question"),
        (["ethnicity"], 3.0, "no figures for Ethnic group"),
        (BOTH, 1.0, "above 1"),
        (BOTH, 0.5, "above 1"),
        (BOTH, 1e9, "at most 100"),
        (BOTH, float("nan"), "above 1"),
    ],
)
def test_bad_requests_are_refused_with_a_message(
    example,
    analyst,
    characteristics,
    cap,
    message,
    django_capture_on_commit_callbacks,
):
    survey, profile, _submissions = example
    with pytest.raises(WeightingError) as caught:
        _queue(
            analyst,
            survey,
            profile,
            characteristics,
            cap,
            capture=django_capture_on_commit_callbacks,
        )
    assert message in " ".join(caught.value.messages)
    assert not WeightingRun.objects.exists()
    assert not AuditEvent.objects.filter(action="weighting_run.request").exists()


def test_another_organisations_profile_is_refused(
    example, analyst, other_organisation, django_capture_on_commit_callbacks
):
    survey, _profile, _submissions = example
    foreign = example_profile(other_organisation)
    with pytest.raises(WeightingError, match="this organisation's population"):
        _queue(analyst, survey, foreign, capture=django_capture_on_commit_callbacks)


def test_an_untrimmed_run_is_allowed(
    example, analyst, django_capture_on_commit_callbacks
):
    survey, profile, _submissions = example
    run = _queue(
        analyst, survey, profile, cap=None, capture=django_capture_on_commit_callbacks
    )
    run = weighting_run_execute(weighting_run_id=run.pk)
    assert run.cap_factor is None
    assert run.status == WeightingRun.Status.DONE
    assert run.max_weight == pytest.approx(200)


def test_margins_are_those_of_the_engagements_areas(example, organisation):
    survey, profile, _submissions = example
    # Margins of an area outside the engagement do not count.
    PopulationMarginFactory(
        profile=profile,
        area__organisation=organisation,
        characteristic="ethnicity",
        category="white",
        count=1000,
    )
    found = characteristics_with_margins(profile=profile, survey=survey)
    assert set(found) == {"sex", "age_band"}
    assert found["sex"] == {"female": 500, "male": 500}
    empty = PopulationProfileFactory(organisation=organisation)
    assert characteristics_with_margins(profile=empty, survey=survey) == {}


def test_runs_whose_worker_died_are_marked_failed_after_an_hour(
    example, analyst, django_capture_on_commit_callbacks
):
    """Queued or calculating for over STALLED_AFTER: FAILED; recent runs are left."""
    survey, profile, _submissions = example
    now = timezone.now()
    old = now - STALLED_AFTER - timedelta(minutes=1)
    recent = now - timedelta(minutes=5)
    runs = {}
    for name, status, created, started in (
        ("old_queued", WeightingRun.Status.QUEUED, old, None),
        ("old_running", WeightingRun.Status.RUNNING, old, old),
        ("recent_queued", WeightingRun.Status.QUEUED, recent, None),
        # Waited long in the queue, but started calculating only just now.
        ("started_late", WeightingRun.Status.RUNNING, old, recent),
        ("old_done", WeightingRun.Status.DONE, old, old),
    ):
        run = WeightingRun.objects.create(
            survey=survey,
            profile=profile,
            profile_name=profile.name,
            characteristics=["sex"],
            requested_by=analyst,
        )
        WeightingRun.objects.filter(pk=run.pk).update(
            status=status, created_at=created, started_at=started
        )
        runs[name] = run

    assert weighting_runs_fail_stalled(now=now) == 2

    for run in runs.values():
        run.refresh_from_db()
    for name in ("old_queued", "old_running"):
        assert runs[name].status == WeightingRun.Status.FAILED
        assert "no weights were stored" in runs[name].error
        assert runs[name].finished_at == now
    assert runs["recent_queued"].status == WeightingRun.Status.QUEUED
    assert runs["started_late"].status == WeightingRun.Status.RUNNING
    assert runs["old_done"].status == WeightingRun.Status.DONE
    events = AuditEvent.objects.filter(action="weighting_run.fail_stalled")
    assert sorted(int(e.target_id) for e in events) == sorted(
        [runs["old_queued"].pk, runs["old_running"].pk]
    )
    assert {e.actor_id for e in events} == {None}
    assert {e.organisation_id for e in events} == {survey.organisation_id}
    # Running it again changes nothing.
    assert weighting_runs_fail_stalled(now=now) == 0


def test_a_worker_that_comes_back_after_the_run_failed_stores_nothing(
    example, analyst, django_capture_on_commit_callbacks
):
    survey, profile, _submissions = example
    run = _queue(analyst, survey, profile, capture=django_capture_on_commit_callbacks)
    from coproduce.apps.surveys.services import weighting

    real = weighting.input_hash

    def stall_then_hash(**kwargs):
        weighting_runs_fail_stalled(now=timezone.now() + STALLED_AFTER * 2)
        return real(**kwargs)

    with mock.patch.object(weighting, "input_hash", side_effect=stall_then_hash):
        done = weighting_run_execute(weighting_run_id=run.pk)
    assert done.status == WeightingRun.Status.FAILED
    assert "stopped before it finished" in done.error
    assert not SubmissionWeight.objects.exists()


def test_a_stalled_run_no_longer_blocks_a_new_request(
    example, analyst, django_capture_on_commit_callbacks
):
    survey, profile, _submissions = example
    stalled = _queue(
        analyst, survey, profile, capture=django_capture_on_commit_callbacks
    )
    WeightingRun.objects.filter(pk=stalled.pk).update(
        created_at=timezone.now() - STALLED_AFTER - timedelta(minutes=1)
    )
    again = _queue(analyst, survey, profile, capture=django_capture_on_commit_callbacks)
    stalled.refresh_from_db()
    assert stalled.status == WeightingRun.Status.FAILED
    assert again.status == WeightingRun.Status.QUEUED


def test_the_scheduled_command_fails_stalled_runs(
    example, analyst, django_capture_on_commit_callbacks
):
    survey, profile, _submissions = example
    run = _queue(analyst, survey, profile, capture=django_capture_on_commit_callbacks)
    WeightingRun.objects.filter(pk=run.pk).update(
        created_at=timezone.now() - STALLED_AFTER - timedelta(minutes=1)
    )
    out = io.StringIO()
    call_command("fail_stalled_imports", stdout=out)
    assert "Marked 1 stalled weighting run(s) as failed." in out.getvalue()
    run.refresh_from_db()
    assert run.status == WeightingRun.Status.FAILED
