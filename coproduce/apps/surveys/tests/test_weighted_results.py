"""Weighted results: tallies against a hand computation, the toggle, caching, pages."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from coproduce.apps.surveys.models import SubmissionWeight, WeightingRun
from coproduce.apps.surveys.selectors.results import (
    ResultFilters,
    survey_results,
)
from coproduce.apps.surveys.services.weighting import (
    weighting_run_execute,
    weighting_run_request,
)
from coproduce.apps.surveys.tests.factories import AnswerFactory, SubmissionFactory
from coproduce.apps.surveys.tests.weighting_data import (
    OLD,
    YOUNG,
    answer_of,
    example_survey,
)
from coproduce.testing.text import hostile_strings

pytestmark = pytest.mark.django_db

# Σw = 1,000; Σw² = 127,500 (spec §7): n_eff = 1,000² / 127,500.
N_EFF = 1_000_000 / 127_500


def _weigh(actor, survey, profile, capture):
    with capture(execute=False):
        run = weighting_run_request(
            actor=actor,
            survey=survey,
            profile=profile,
            characteristics=["sex", "age_band"],
        )
    return weighting_run_execute(weighting_run_id=run.pk)


@pytest.fixture
def weighted(organisation, analyst, django_capture_on_commit_callbacks):
    survey, profile, submissions = example_survey(organisation)
    run = _weigh(analyst, survey, profile, django_capture_on_commit_callbacks)
    assert run.status == WeightingRun.Status.DONE, run.error
    return survey, run, submissions


def _question(results, key):
    return next(q for q in results.questions if q.key == key)


def test_weighted_shares_counts_and_means_match_a_hand_computation(weighted, analyst):
    survey, run, _submissions = weighted
    plain = survey_results(actor=analyst, survey=survey, filters=ResultFilters())
    results = survey_results(
        actor=analyst, survey=survey, filters=ResultFilters(), weighting_run=run
    )
    choice = {row.value: row for row in _question(results, "single-choice-q").counts}
    # Young (2 × 100 + 1 × 200 = 400 people) said yes; old (4 × 75 + 2 × 150) no.
    assert choice["yes"].n == 3
    assert choice["yes"].weighted_n == pytest.approx(400)
    assert choice["yes"].share == pytest.approx(0.4)
    assert choice["no"].weighted_n == pytest.approx(600)
    assert choice["unsure"].weighted_n == 0
    low, high = choice["yes"].interval
    assert low < 0.4 < high
    assert _question(results, "single-choice-q").n_eff == pytest.approx(N_EFF)
    # Unweighted, 3 of 9 said yes.
    plain_yes = next(
        r for r in _question(plain, "single-choice-q").counts if r.value == "yes"
    )
    assert plain_yes.share == pytest.approx(3 / 9)
    assert plain_yes.interval is None
    # Number: (400 × 10 + 600 × 40) / 1,000 = 28; weighted median 40.
    number = _question(results, "number-q").number
    assert number.mean == pytest.approx(28)
    assert number.median == 40
    assert number.n == 9
    assert _question(plain, "number-q").number.mean == pytest.approx(
        (3 * 10 + 6 * 40) / 9
    )
    summary = results.weighting
    assert summary.n_weighted == 9
    assert summary.n_without_weight == 0
    assert summary.deff == pytest.approx(1.1475)
    assert summary.is_n_eff_low
    assert not summary.is_deff_high
    assert plain.weighting is None


def test_the_wilson_interval_uses_the_effective_sample_size(weighted, analyst):
    from coproduce.analytics.weighting import wilson_interval

    survey, run, _submissions = weighted
    results = survey_results(
        actor=analyst, survey=survey, filters=ResultFilters(), weighting_run=run
    )
    yes = _question(results, "single-choice-q").counts[0]
    assert yes.interval == pytest.approx(wilson_interval(0.4, N_EFF))


def test_multiple_choice_and_matrix_are_weighted_per_respondent(weighted, analyst):
    survey, run, submissions = weighted
    for submission in submissions:
        young = submission.age_band == YOUNG
        answer_of(submission, "multiple-choice-q", "yes")
        if young:
            answer_of(submission, "multiple-choice-q", "no")
        AnswerFactory(
            submission=submission,
            question_key="matrix-q",
            item="safety",
            value_text="agree" if young else "disagree",
        )
    results = survey_results(
        actor=analyst, survey=survey, filters=ResultFilters(), weighting_run=run
    )
    multiple = {r.value: r for r in _question(results, "multiple-choice-q").counts}
    assert multiple["yes"].share == pytest.approx(1.0)
    assert multiple["no"].share == pytest.approx(0.4)
    assert _question(results, "multiple-choice-q").n_answered == 9
    assert _question(results, "multiple-choice-q").n_eff == pytest.approx(N_EFF)
    safety = _question(results, "matrix-q").grid[0]
    agree = {r.value: r for r in safety.counts}
    assert agree["agree"].share == pytest.approx(0.4)
    assert agree["disagree"].share == pytest.approx(0.6)


def test_responses_after_the_run_have_no_weight_and_are_counted(weighted, analyst):
    survey, run, _submissions = weighted
    late = SubmissionFactory(survey=survey, sex="male", age_band=OLD)
    answer_of(late, "single-choice-q", "yes")
    results = survey_results(
        actor=analyst, survey=survey, filters=ResultFilters(), weighting_run=run
    )
    assert results.n_respondents == 10
    assert results.weighting.n_without_weight == 1
    yes = _question(results, "single-choice-q").counts[0]
    assert yes.weighted_n == pytest.approx(400)  # the late "yes" is left out
    assert yes.n == 3


def test_filters_use_the_weights_of_the_filtered_respondents(weighted, analyst):
    survey, run, _submissions = weighted
    results = survey_results(
        actor=analyst,
        survey=survey,
        filters=ResultFilters(about_you={"sex": "female"}),
        weighting_run=run,
    )
    # Women: young 2 × 100 said yes, old 4 × 75 said no: 200 / 500.
    yes = _question(results, "single-choice-q").counts[0]
    assert yes.share == pytest.approx(0.4)
    assert yes.weighted_n == pytest.approx(200)
    assert results.weighting.n_weighted == 6
    assert results.weighting.deff == pytest.approx(
        6 * (2 * 100**2 + 4 * 75**2) / 500**2
    )


def test_weighted_and_unweighted_results_are_cached_apart(weighted, analyst):
    survey, run, _submissions = weighted
    cache.clear()
    plain = survey_results(actor=analyst, survey=survey, filters=ResultFilters())
    results = survey_results(
        actor=analyst, survey=survey, filters=ResultFilters(), weighting_run=run
    )
    assert results.weighting is not None
    assert plain.weighting is None
    again_plain = survey_results(actor=analyst, survey=survey, filters=ResultFilters())
    again = survey_results(
        actor=analyst, survey=survey, filters=ResultFilters(), weighting_run=run
    )
    assert again_plain == plain
    assert again == results
    # Cached: changing weights behind the cache's back does not show...
    SubmissionWeight.objects.filter(run=run).update(weight=1)
    assert (
        survey_results(
            actor=analyst, survey=survey, filters=ResultFilters(), weighting_run=run
        )
        == results
    )


def test_the_cache_key_includes_the_run():
    from coproduce.apps.surveys.selectors.results import _results_cache_key

    class Fake:
        pk = 7

    keys = {
        _results_cache_key(Fake(), [], [], "en"),
        _results_cache_key(Fake(), [], [], "en", weighting_run_id=1),
        _results_cache_key(Fake(), [], [], "en", weighting_run_id=2),
    }
    assert len(keys) == 3


def test_another_surveys_run_is_refused_by_the_selector(
    weighted, analyst, organisation
):
    _survey, run, _submissions = weighted
    other, _profile, _submissions = example_survey(organisation)
    with pytest.raises(ValueError, match="another survey"):
        survey_results(
            actor=analyst, survey=other, filters=ResultFilters(), weighting_run=run
        )


# --- pages ------------------------------------------------------------------------


def _url(survey, name="survey_results:results", **extra):
    return reverse(
        name,
        kwargs={
            "org_slug": survey.organisation.slug,
            "engagement_slug": survey.engagement.slug,
            "survey_slug": survey.slug,
            **extra,
        },
    )


def test_the_page_toggles_between_unweighted_and_weighted(
    weighted, elected_member, client_for
):
    survey, run, _submissions = weighted
    client = client_for(elected_member)
    page = client.get(_url(survey)).content.decode()
    assert "Unweighted" in page
    assert f"weighted=1&amp;run={run.pk}" in page
    assert "Design effect" not in page
    weighted_page = client.get(_url(survey), {"weighted": "1"}).content.decode()
    assert "Design effect 1.15" in weighted_page
    assert "effective sample size 7.8" in weighted_page
    assert "Weighted share" in weighted_page
    assert "40%" in weighted_page
    assert "Bar chart of weighted answers" in weighted_page
    assert "below 30" in weighted_page  # the n_eff warning
    # Filters keep the weighting.
    assert 'name="weighted" value="1"' in weighted_page


@pytest.mark.parametrize(
    "query",
    [
        {"weighted": "banana"},
        {"weighted": "1", "run": "banana"},
        {"weighted": "1", "run": "99999999999999999999999"},
        {"weighted": "1", "run": "-1"},
        {"weighted": ["1", "0"]},
        {"weighted": "1", "run": hostile_strings(max_length=100)[0]},
    ],
)
def test_bad_weighting_parameters_never_fail(weighted, analyst, client_for, query):
    survey, _run, _submissions = weighted
    response = client_for(analyst).get(_url(survey), query)
    assert response.status_code == 200


def test_another_surveys_run_in_the_address_is_ignored(
    weighted, analyst, client_for, organisation, django_capture_on_commit_callbacks
):
    _survey, run, _submissions = weighted
    other, _profile, _submissions = example_survey(organisation)
    page = client_for(analyst).get(_url(other), {"weighted": "1", "run": run.pk})
    assert page.status_code == 200
    text = page.content.decode()
    assert "have not been weighted yet" in text
    assert "Design effect" not in text


def test_late_responses_prompt_a_new_run(weighted, analyst, client_for):
    survey, _run, _submissions = weighted
    SubmissionFactory(survey=survey, sex="female", age_band=OLD)
    text = client_for(analyst).get(_url(survey), {"weighted": "1"}).content.decode()
    assert "1 response has no weight" in text
    assert "Calculate the weights again" in text


def test_requesting_a_run_through_the_page(
    organisation, analyst, client_for, django_capture_on_commit_callbacks
):
    survey, profile, _submissions = example_survey(organisation)
    client = client_for(analyst)
    form = client.get(_url(survey, "survey_results:weighting")).content.decode()
    # Characteristics with margins are ticked by default.
    assert 'value="sex" checked' in form or 'checked value="sex"' in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(survey, "survey_results:weighting"),
            {"profile": profile.pk, "characteristics": ["sex", "age_band"], "cap": "3"},
        )
    run = WeightingRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url(
        survey, "survey_results:weighting-run", pk=run.pk
    )
    assert run.status == WeightingRun.Status.DONE
    page = client.get(response["Location"]).content.decode()
    assert "Design effect" in page
    assert "See the weighted results" in page
    partial = client.get(response["Location"], headers={"HX-Request": "true"})
    assert 'id="weighting-status"' in partial.content.decode()
    assert "<html" not in partial.content.decode()


def test_a_bad_request_shows_the_error_summary_and_saves_nothing(
    organisation, analyst, client_for
):
    survey, profile, _submissions = example_survey(organisation)
    response = client_for(analyst).post(
        _url(survey, "survey_results:weighting"),
        {"profile": profile.pk, "characteristics": ["ethnicity"], "cap": "banana"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "govuk-error-summary" in text
    assert "Select one of the caps listed." in text
    assert not WeightingRun.objects.exists()
    response = client_for(analyst).post(
        _url(survey, "survey_results:weighting"),
        {"profile": profile.pk, "characteristics": ["ethnicity"], "cap": "3"},
    )
    assert "has no figures for Ethnic group" in response.content.decode()
    assert not WeightingRun.objects.exists()


def test_a_running_run_polls_and_can_be_cancelled(
    organisation, analyst, client_for, django_capture_on_commit_callbacks
):
    survey, profile, _submissions = example_survey(organisation)
    with django_capture_on_commit_callbacks(execute=False):
        run = weighting_run_request(
            actor=analyst, survey=survey, profile=profile, characteristics=["sex"]
        )
    client = client_for(analyst)
    url = _url(survey, "survey_results:weighting-run", pk=run.pk)
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert "Refresh" in page
    assert "If the weights are not ready within an hour" in page
    response = client.post(
        _url(survey, "survey_results:weighting-run-cancel", pk=run.pk)
    )
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == WeightingRun.Status.CANCELLED
    page = client.get(url).content.decode()
    assert "every 2s" not in page
    # Cancelling again says why not, without an error page.
    again = client.post(
        _url(survey, "survey_results:weighting-run-cancel", pk=run.pk), follow=True
    )
    assert "already finished" in again.content.decode()


def test_a_failed_run_shows_its_error(
    organisation, analyst, client_for, django_capture_on_commit_callbacks
):
    survey, profile, _submissions = example_survey(organisation)
    run = _weigh(analyst, survey, profile, django_capture_on_commit_callbacks)
    WeightingRun.objects.filter(pk=run.pk).update(
        status=WeightingRun.Status.FAILED, error="No participants in '<b>75+</b>'."
    )
    page = client_for(analyst).get(
        _url(survey, "survey_results:weighting-run", pk=run.pk)
    )
    text = page.content.decode()
    assert "No participants in &#x27;&lt;b&gt;75+&lt;/b&gt;&#x27;" in text
    assert "Nothing was stored" in text


def test_welsh_pages(weighted, analyst, client_for):
    survey, _run, _submissions = weighted
    client = client_for(analyst)
    client.cookies["django_language"] = "cy"
    text = client.get(f"/cy{_url(survey)}", {"weighted": "1"}).content.decode()
    assert "Effaith dylunio" in text or "effaith dylunio" in text


# --- exports ----------------------------------------------------------------------


def test_exports_carry_the_weights_when_asked(weighted, analyst, client_for):
    import csv
    import io

    from openpyxl import load_workbook

    survey, run, submissions = weighted
    late = SubmissionFactory(survey=survey, sex="male", age_band=OLD)
    client = client_for(analyst)
    url = _url(survey, "survey_results:export", file_format="csv")
    plain = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    assert "weight" not in next(csv.reader(io.StringIO(plain)))
    body = b"".join(
        client.get(url, {"weighted": "1", "run": run.pk}).streaming_content
    ).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    by_id = {int(row["submission_id"]): row["weight"] for row in rows}
    from coproduce.apps.surveys.tests.weighting_data import expected_weight

    for submission in submissions:
        assert float(by_id[submission.pk]) == pytest.approx(expected_weight(submission))
    assert by_id[late.pk] == ""
    xlsx = client.get(
        _url(survey, "survey_results:export", file_format="xlsx"), {"weighted": "1"}
    )
    sheet = load_workbook(io.BytesIO(xlsx.content))["responses"]
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert header[-1] == "weight"
    sav = client.get(
        _url(survey, "survey_results:export", file_format="sav"), {"weighted": "1"}
    )
    assert sav.status_code == 200


def test_an_export_asking_for_a_missing_run_has_no_weight_column(
    organisation, analyst, client_for
):
    import csv
    import io

    survey, _profile, _submissions = example_survey(organisation)
    url = _url(survey, "survey_results:export", file_format="csv")
    body = b"".join(
        client_for(analyst).get(url, {"weighted": "1", "run": "x"}).streaming_content
    ).decode("utf-8-sig")
    assert "weight" not in next(csv.reader(io.StringIO(body)))
