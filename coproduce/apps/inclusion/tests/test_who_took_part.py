"""Who took part: respondents' about-you answers against a population profile."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from coproduce.apps.core.about_you import PREFER_NOT_TO_SAY, AgeBand
from coproduce.apps.engagements.models import Engagement
from coproduce.apps.engagements.tests.factories import EngagementFactory
from coproduce.apps.inclusion.selectors import engagement_who_took_part
from coproduce.apps.organisations.tests.factories import (
    AreaFactory,
    PopulationMarginFactory,
    PopulationProfileFactory,
)
from coproduce.apps.surveys.models import Submission
from coproduce.apps.surveys.tests.factories import SubmissionFactory, published_survey

pytestmark = pytest.mark.django_db


def _respondents(survey, n, *, status=Submission.Status.SUBMITTED, **about_you):
    for _ in range(n):
        SubmissionFactory(survey=survey, status=status, **about_you)


@pytest.fixture
def example(organisation):
    """The spec's worked example (inclusion-metrics §2) as a survey and a profile.

    Residents by age: 16–24 300, 35–44 400, 65–74 300 (q = 0.30, 0.40, 0.30);
    by sex: female 510, male 490. Respondents by age 10, 40, 50 and by sex
    60 female, 40 male (100 in all), plus 7 who preferred not to say their age
    and an unfinished response that must not count.
    """
    engagement = EngagementFactory(
        organisation=organisation, status=Engagement.Status.CLOSED
    )
    area = AreaFactory(organisation=organisation)
    engagement.areas.add(area)
    survey = published_survey(engagement=engagement)
    profile = PopulationProfileFactory(organisation=organisation)
    for characteristic, category, count in [
        ("age_band", AgeBand.AGE_16_24, 300),
        ("age_band", AgeBand.AGE_35_44, 400),
        ("age_band", AgeBand.AGE_65_74, 300),
        ("sex", "female", 510),
        ("sex", "male", 490),
    ]:
        PopulationMarginFactory(
            profile=profile,
            area=area,
            characteristic=characteristic,
            category=category,
            count=count,
        )
    _respondents(survey, 10, age_band=AgeBand.AGE_16_24, sex="female")
    _respondents(survey, 40, age_band=AgeBand.AGE_35_44, sex="female")
    _respondents(survey, 10, age_band=AgeBand.AGE_65_74, sex="female")
    _respondents(survey, 40, age_band=AgeBand.AGE_65_74, sex="male")
    _respondents(survey, 7, age_band=PREFER_NOT_TO_SAY, sex="")
    _respondents(
        survey, 3, status=Submission.Status.IN_PROGRESS, age_band=AgeBand.AGE_16_24
    )
    return engagement, profile


def test_the_spec_example_scores_85_5(example, analyst):
    """D(age) = ½(|0.10−0.30| + |0.40−0.40| + |0.50−0.30|) = 0.20;
    D(sex) = ½(|0.60−0.51| + |0.40−0.49|) = 0.09; score = 100·(1 − 0.145) = 85.5.
    """
    engagement, profile = example

    report = engagement_who_took_part(
        actor=analyst, engagement=engagement, profile=profile
    )

    assert report.n_responses == 107
    assert report.score == pytest.approx(85.5)
    by_name = {c.name: c for c in report.characteristics}
    age = by_name["age_band"]
    assert age.dissimilarity_pct == pytest.approx(20.0)
    assert age.n_participants == 100
    assert age.n_unknown == 7
    rows = {row.value: row for row in age.rows}
    assert rows[AgeBand.AGE_16_24].participant_pct == pytest.approx(10.0)
    assert rows[AgeBand.AGE_16_24].population_pct == pytest.approx(30.0)
    assert rows[AgeBand.AGE_16_24].is_under_represented
    assert rows[AgeBand.AGE_16_24].label == "16 to 24"
    assert not rows[AgeBand.AGE_35_44].is_under_represented
    assert by_name["sex"].dissimilarity_pct == pytest.approx(9.0)
    # No margins for the others: named, never an error.
    assert by_name["ethnicity"].problem
    assert by_name["ethnicity"].rows == ()


def test_answers_the_profile_has_no_residents_for_are_explained(example, analyst):
    engagement, profile = example
    survey = engagement.surveys.get()
    _respondents(survey, 2, age_band=AgeBand.UNDER_16, sex="male")

    report = engagement_who_took_part(
        actor=analyst, engagement=engagement, profile=profile
    )

    age = {c.name: c for c in report.characteristics}["age_band"]
    assert "Under 16" in age.problem
    assert age.rows == ()
    # Sex still compares, so there is still a score.
    assert report.score is not None


def test_people_outside_the_organisation_may_not_see_it(
    example, resident, staff_of_other_organisation
):
    engagement, profile = example
    for person in (resident, staff_of_other_organisation):
        with pytest.raises(PermissionDenied):
            engagement_who_took_part(
                actor=person, engagement=engagement, profile=profile
            )


def test_the_page_calls_out_the_missing_groups(example, analyst, client_for):
    engagement, _profile = example
    url = reverse(
        "inclusion:engagement-who-took-part",
        args=[engagement.organisation.slug, engagement.slug],
    )

    response = client_for(analyst).get(url)

    assert response.status_code == 200
    text = response.content.decode()
    assert "Representativeness: 86 out of 100" in text  # 85.5, rounded half up
    assert "Missing voices: “16 to 24” are 30% of residents but 10% of" in text


def test_the_page_says_when_there_is_no_profile(organisation, officer, client_for):
    engagement = EngagementFactory(organisation=organisation)
    url = reverse(
        "inclusion:engagement-who-took-part", args=[organisation.slug, engagement.slug]
    )

    response = client_for(officer).get(url)

    assert response.status_code == 200
    assert "There is no population profile yet" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("administrator", 200),
        ("officer", 200),
        ("analyst", 200),
        ("elected_member", 200),
        ("community_organiser", 200),
        ("resident", 403),
        ("staff_of_other_organisation", 403),
    ],
)
def test_members_only(example, client_for, request, who, expected):
    engagement, _profile = example
    url = reverse(
        "inclusion:engagement-who-took-part",
        args=[engagement.organisation.slug, engagement.slug],
    )
    response = client_for(request.getfixturevalue(who)).get(url)
    assert response.status_code == expected


def test_signed_out_people_are_sent_to_log_in(example, client_for):
    engagement, _profile = example
    url = reverse(
        "inclusion:engagement-who-took-part",
        args=[engagement.organisation.slug, engagement.slug],
    )
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.fixture
def small_groups(example):
    """The example plus 3 Black and 40 White respondents against a profile of
    ethnic groups (residents 100 Black, 900 White): 3 is a small count."""
    engagement, profile = example
    survey = engagement.surveys.get()
    area = engagement.areas.get()
    _respondents(survey, 3, ethnicity="black")
    _respondents(survey, 40, ethnicity="white")
    for category, count in (("black", 100), ("white", 900)):
        PopulationMarginFactory(
            profile=profile,
            area=area,
            characteristic="ethnicity",
            category=category,
            count=count,
        )
    return engagement, profile


def _ethnicity(report):
    return {c.name: c for c in report.characteristics}["ethnicity"]


def test_small_counts_are_hidden_from_officers_but_not_analysts(
    small_groups, officer, analyst
):
    """3 Black respondents is below 10: hidden for the officer, with White (40)
    as the secondary cell, since 43 − 40 would give it away."""
    engagement, profile = small_groups

    for_officer = _ethnicity(
        engagement_who_took_part(actor=officer, engagement=engagement, profile=profile)
    )
    for_analyst = _ethnicity(
        engagement_who_took_part(actor=analyst, engagement=engagement, profile=profile)
    )

    assert [row.n_participants for row in for_officer.rows] == [None, None]
    assert [row.participant_pct for row in for_officer.rows] == [None, None]
    assert all(row.is_hidden for row in for_officer.rows)
    # Residents' shares and the readings are not about respondents: still shown.
    assert [round(row.population_pct) for row in for_officer.rows] == [10, 90]
    assert for_officer.rows[0].is_under_represented
    assert [row.n_participants for row in for_analyst.rows] == [3, 40]


def test_the_officer_page_says_fewer_than_ten_and_never_shows_the_count(
    small_groups, officer, client_for
):
    engagement, _profile = small_groups
    url = reverse(
        "inclusion:engagement-who-took-part",
        args=[engagement.organisation.slug, engagement.slug],
    )

    text = client_for(officer).get(url).content.decode()

    assert "are 10% of residents but fewer than 10 of the people who answered" in text
    assert "counts below 10 are hidden" in text
    section = text[text.index('id="table-ethnicity"') :]
    section = section[: section.index("</table>")]
    assert "[c]" in section
    assert ">3<" not in section
    assert ">40<" not in section


def _download(client, engagement, file_format, **params):
    url = reverse(
        "inclusion:engagement-who-took-part-download",
        args=[engagement.organisation.slug, engagement.slug, file_format],
    )
    return client.get(url, params)


def test_csv_downloads_match_the_page_and_keep_counts_hidden(
    small_groups, officer, analyst, client_for
):
    engagement, _profile = small_groups

    officer_csv = _download(client_for(officer), engagement, "csv", table="ethnicity")
    analyst_csv = _download(client_for(analyst), engagement, "csv", table="ethnicity")

    assert officer_csv.status_code == 200
    assert officer_csv["Content-Type"] == "text/csv; charset=utf-8"
    officer_rows = list(csv.reader(io.StringIO(officer_csv.content.decode()[1:])))
    analyst_rows = list(csv.reader(io.StringIO(analyst_csv.content.decode()[1:])))
    assert officer_rows[0] == [
        "Group",
        "Respondents",
        "Share of respondents (%)",
        "Share of residents (%)",
        "Difference (percentage points)",
        "Reading",
    ]
    black = "Black, Black British, Black Welsh, Caribbean or African"
    assert officer_rows[1][:5] == [black, "[c]", "[c]", "10.0", "[c]"]
    assert officer_rows[-1][0].startswith("[c]: fewer than 10 people")
    # 3 of 43 = 7.0 % against 10.0 %: 3.02 points short.
    assert analyst_rows[1][:5] == [black, "3", "7.0", "10.0", "-3.02"]


def test_the_workbook_has_the_summary_and_every_compared_characteristic(
    small_groups, analyst, client_for
):
    engagement, _profile = small_groups

    response = _download(client_for(analyst), engagement, "xlsx")

    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Summary by characteristic",
        "Age",
        "Sex",
        "Ethnic group",
    ]
    summary = workbook["Summary by characteristic"]
    assert summary["A4"].value == "Age"
    assert summary["B4"].value == 100


@pytest.mark.parametrize(
    ("file_format", "params"),
    [("pdf", {}), ("csv", {"table": "nonsense"}), ("csv", {"table": "<script>"})],
)
def test_unknown_formats_and_tables_are_not_found(
    example, analyst, client_for, file_format, params
):
    engagement, _profile = example
    response = _download(client_for(analyst), engagement, file_format, **params)
    assert response.status_code == 404


def test_each_compared_characteristic_has_a_chart_with_its_table(
    small_groups, officer, client_for
):
    engagement, _profile = small_groups
    url = reverse(
        "inclusion:engagement-who-took-part",
        args=[engagement.organisation.slug, engagement.slug],
    )

    response = client_for(officer).get(url)

    text = response.content.decode()
    spec = json.loads(
        text.split('id="chart-ethnicity" type="application/json">')[1].split(
            "</script>"
        )[0]
    )
    # The hidden respondents' bars are left out; residents' bars stay.
    assert {(v["who"], round(v["pct"])) for v in spec["data"]["values"]} == {
        ("Residents", 10),
        ("Residents", 90),
    }
    assert 'id="chart-gender_identity"' not in text  # no margin: no chart
