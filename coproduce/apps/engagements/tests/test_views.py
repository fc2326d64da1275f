"""Engagement pages: escaping, GOV.UK errors naming the field, downloads,
comments, the response editor and the dashboard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from coproduce.apps.engagements.models import (
    Comment,
    Engagement,
    EngagementDocument,
    EngagementResponse,
    ParticipationLevel,
)
from coproduce.apps.engagements.tests.factories import (
    CommentFactory,
    EngagementEventFactory,
    EngagementFactory,
    EngagementResponseFactory,
    TopicFactory,
)
from coproduce.apps.engagements.tests.files import PDF, PNG, upload
from coproduce.apps.organisations.tests.factories import AreaFactory
from coproduce.apps.surveys.tests.factories import SurveyFactory, published_survey
from coproduce.testing.pages import (
    assert_error_summary_names_field,
    assert_escaped,
    page_text,
)
from coproduce.testing.text import SCRIPT, hostile_strings

S = Engagement.Status


def _url(name: str, engagement: Engagement, **kwargs) -> str:
    return reverse(
        f"engagements:{name}",
        kwargs={
            "org_slug": engagement.organisation.slug,
            "slug": engagement.slug,
            **kwargs,
        },
    )


def _list_url(organisation) -> str:
    return reverse("engagements:engagement-list", args=[organisation.slug])


@pytest.mark.django_db
@pytest.mark.parametrize("text", hostile_strings(max_length=200))
def test_list_and_detail_escape_hostile_text(organisation, client_for, text):
    engagement = EngagementFactory(
        organisation=organisation,
        title_en=f"{SCRIPT} {text}"[:200],
        summary_en=SCRIPT,
        purpose_en=SCRIPT,
        allows_comments=True,
    )
    EngagementEventFactory(engagement=engagement, venue=SCRIPT)
    CommentFactory(engagement=engagement, body=SCRIPT, status=Comment.Status.APPROVED)
    client = client_for(None)

    assert_escaped(client.get(_list_url(organisation)), SCRIPT)
    detail = client.get(engagement.get_absolute_url())
    assert detail.status_code == 200
    assert_escaped(detail, SCRIPT)


@pytest.mark.django_db
def test_detail_shows_purpose_level_definition_events_documents_and_response(
    organisation, client_for
):
    engagement = EngagementFactory(
        organisation=organisation,
        status=S.RESPONDED,
        level=ParticipationLevel.COLLABORATE,
        purpose_en="Which paths are built first.",
    )
    EngagementEventFactory(
        engagement=engagement, title_en="Drop-in at the library", attendance_count=17
    )
    EngagementDocument.objects.create(
        engagement=engagement,
        title_en="The plan",
        file=upload("plan.pdf", PDF),
        content_type="application/pdf",
        size_bytes=len(PDF),
    )
    EngagementResponseFactory(
        engagement=engagement,
        status=EngagementResponse.Status.PUBLISHED,
        published_at=timezone.now(),
        what_changes_en="Two new crossings.",
    )

    text = page_text(client_for(None).get(engagement.get_absolute_url()))

    assert "Which paths are built first." in text
    assert "We are working with you as partners" in text
    assert "Drop-in at the library" in text
    assert "17" in text
    assert "The plan" in text
    assert "Two new crossings." in text


@pytest.mark.django_db
def test_a_draft_response_is_not_shown_to_residents(organisation, client_for):
    engagement = EngagementFactory(organisation=organisation, status=S.CLOSED)
    EngagementResponseFactory(engagement=engagement, what_changes_en="Secret draft")

    text = page_text(client_for(None).get(engagement.get_absolute_url()))

    assert "Secret draft" not in text


@pytest.mark.django_db
def test_survey_titles_show_and_link_only_when_the_survey_page_exists(
    organisation, client_for
):
    engagement = EngagementFactory(organisation=organisation)
    survey = published_survey(engagement=engagement, title_en="Tell us about parks")

    text = page_text(client_for(None).get(engagement.get_absolute_url()))

    assert "Tell us about parks" in text
    try:
        url = reverse(
            "surveys:survey-start",
            kwargs={
                "org_slug": organisation.slug,
                "engagement_slug": engagement.slug,
                "survey_slug": survey.slug,
            },
        )
    except Exception:
        url = None
    if url:
        assert f'href="{url}"' in text


@pytest.mark.django_db
def test_list_filters_by_topic_and_handles_nonsense_filters(organisation, client_for):
    topic = TopicFactory(organisation=organisation, slug="parks")
    tagged = EngagementFactory(organisation=organisation, title_en="Tagged one")
    tagged.topics.set([topic])
    EngagementFactory(organisation=organisation, title_en="Untagged one")
    client = client_for(None)

    filtered = page_text(client.get(_list_url(organisation), {"topic": "parks"}))
    nonsense = client.get(
        _list_url(organisation),
        {"area": "abc", "level": "overlord", "status": "draft", "page": "x"},
    )

    assert "Tagged one" in filtered
    assert "Untagged one" not in filtered
    assert nonsense.status_code == 200
    assert "govuk-error-summary" in page_text(nonsense)


@pytest.mark.django_db
def test_list_page_paginates_with_a_bounded_number_of_queries(
    organisation, client_for, django_assert_max_num_queries
):
    area = AreaFactory(organisation=organisation)
    for _ in range(25):
        engagement = EngagementFactory(organisation=organisation)
        engagement.areas.set([area])
    client = client_for(None)
    client.get(_list_url(organisation))  # warm caches (sessions, translations)

    with django_assert_max_num_queries(12):
        response = client.get(_list_url(organisation), {"area": area.pk})

    text = page_text(response)
    assert "govuk-pagination" in text
    assert "area=" in text
    assert "page=2" in text


@pytest.mark.django_db
def test_welsh_list_page_renders(organisation, client_for):
    EngagementFactory(organisation=organisation)

    response = client_for(None).get("/cy" + _list_url(organisation))

    assert response.status_code == 200


# --- documents -------------------------------------------------------------------


@pytest.mark.django_db
def test_download_is_an_attachment_with_a_safe_name(organisation, client_for):
    engagement = EngagementFactory(organisation=organisation)
    document = EngagementDocument.objects.create(
        engagement=engagement,
        title_en='../../etc/passwd"; <script>',
        file=upload("plan.pdf", PDF),
        content_type="application/pdf",
        size_bytes=len(PDF),
    )

    response = client_for(None).get(
        _url("document-download", engagement, pk=document.pk)
    )

    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "/" not in disposition.split("filename=")[1]
    assert "<" not in disposition
    assert '"; ' not in disposition.split("filename=")[1]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.django_db
def test_a_draft_engagements_document_is_404_to_the_public(organisation, client_for):
    engagement = EngagementFactory(organisation=organisation, status=S.DRAFT)
    document = EngagementDocument.objects.create(
        engagement=engagement,
        title_en="Draft",
        file=upload("plan.pdf", PDF),
        content_type="application/pdf",
        size_bytes=len(PDF),
    )

    response = client_for(None).get(
        _url("document-download", engagement, pk=document.pk)
    )

    assert response.status_code == 404


@pytest.mark.django_db
def test_upload_of_an_impostor_names_the_file_field(organisation, officer, client_for):
    engagement = EngagementFactory(organisation=organisation)

    response = client_for(officer).post(
        _url("document-create", engagement),
        {"title_en": "Plan", "file": upload("plan.pdf", PNG)},
    )

    assert response.status_code == 200
    assert_error_summary_names_field(
        response,
        field_id="id_file",
        message="The selected file is not a real PDF file. Check the file and "
        "upload it again.",
    )
    assert not EngagementDocument.objects.exists()


@pytest.mark.django_db
def test_upload_of_a_good_file_redirects(organisation, officer, client_for):
    engagement = EngagementFactory(organisation=organisation)

    response = client_for(officer).post(
        _url("document-create", engagement),
        {"title_en": "Plan", "file": upload("plan.pdf", PDF)},
    )

    assert response.status_code == 302
    assert EngagementDocument.objects.get().content_type == "application/pdf"


# --- officers' forms ---------------------------------------------------------------


@pytest.mark.django_db
def test_create_without_a_purpose_names_the_field_and_saves_nothing(
    organisation, officer, client_for
):
    response = client_for(officer).post(
        reverse("engagements:engagement-create", args=[organisation.slug]),
        {
            "title_en": "Parks",
            "summary_en": "Summary",
            "purpose_en": "",
            "level": "consult",
            "owning_team": "Parks",
            "contact_email": "parks@example.org",
            "opens_at": "2030-01-02T10:00",
            "closes_at": "2030-01-01T10:00",
        },
    )

    assert response.status_code == 200
    assert_error_summary_names_field(
        response,
        field_id="id_purpose_en",
        message="Enter what can change because of residents' input.",
    )
    assert_error_summary_names_field(
        response,
        field_id="id_closes_at",
        message="The closing date must be after the opening date.",
    )
    assert not Engagement.objects.exists()


@pytest.mark.django_db
def test_create_then_open_then_close_through_the_pages(
    organisation, officer, client_for
):
    client = client_for(officer)
    client.post(
        reverse("engagements:engagement-create", args=[organisation.slug]),
        {
            "title_en": "Parks <b>",
            "summary_en": "Summary",
            "purpose_en": "Paths",
            "level": "involve",
            "owning_team": "Parks",
            "contact_email": "parks@example.org",
            "allows_comments": "on",
        },
    )
    engagement = Engagement.objects.get()
    assert engagement.status == S.DRAFT

    confirm = client.get(_url("engagement-status", engagement, action="open"))
    assert confirm.status_code == 200
    client.post(_url("engagement-status", engagement, action="open"))
    client.post(_url("engagement-status", engagement, action="close"))

    engagement.refresh_from_db()
    assert engagement.status == S.CLOSED
    assert engagement.response_due_on is not None


@pytest.mark.django_db
def test_a_refused_status_change_shows_the_reason(organisation, officer, client_for):
    engagement = EngagementFactory(organisation=organisation, status=S.OPEN)

    response = client_for(officer).post(
        _url("engagement-status", engagement, action="archive")
    )

    assert response.status_code == 200
    assert "This engagement is Open" in page_text(response)
    engagement.refresh_from_db()
    assert engagement.status == S.OPEN


@pytest.mark.django_db
def test_event_attendance_below_zero_names_the_field(organisation, officer, client_for):
    event = EngagementEventFactory(engagement__organisation=organisation)

    response = client_for(officer).post(
        _url("event-update", event.engagement, pk=event.pk),
        {
            "title_en": "x",
            "starts_at": "2030-01-01T10:00",
            "venue": "v",
            "attendance_count": "-3",
        },
    )

    assert response.status_code == 200
    assert_error_summary_names_field(
        response,
        field_id="id_attendance_count",
        message="The number of people who came must be 0 or more.",
    )


# --- comments and moderation -------------------------------------------------------


@pytest.mark.django_db
def test_author_sees_their_pending_and_rejected_comments_others_do_not(
    organisation, resident, client_for
):
    engagement = EngagementFactory(organisation=organisation, allows_comments=True)
    client = client_for(resident)
    client.post(_url("comment-create", engagement), {"body": "Mwy o goed"})
    rejected = CommentFactory(
        engagement=engagement,
        author=resident,
        body="Rejected body",
        status=Comment.Status.REJECTED,
        rejection_reason="Contains a phone number",
    )

    own = page_text(client.get(engagement.get_absolute_url()))
    public = page_text(client_for(None).get(engagement.get_absolute_url()))

    assert "Mwy o goed" in own
    assert "Waiting for moderation" in own
    assert "Contains a phone number" in own
    assert rejected.body not in public
    assert "Mwy o goed" not in public


@pytest.mark.django_db
def test_an_empty_comment_names_the_field(organisation, resident, client_for):
    engagement = EngagementFactory(organisation=organisation, allows_comments=True)

    response = client_for(resident).post(
        _url("comment-create", engagement), {"body": ""}
    )

    assert response.status_code == 200
    assert_error_summary_names_field(
        response, field_id="id_body", message="Enter your comment."
    )
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_rejecting_without_a_reason_names_the_field(organisation, officer, client_for):
    comment = CommentFactory(engagement__organisation=organisation)

    response = client_for(officer).post(
        reverse("engagements:comment-moderate", args=[organisation.slug, comment.pk]),
        {"decision": "reject", "rejection_reason": ""},
    )

    assert response.status_code == 200
    assert_error_summary_names_field(
        response,
        field_id="id_rejection_reason",
        message="Enter the reason for not publishing the comment.",
    )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


@pytest.mark.django_db
def test_moderation_queue_lists_pending_comments_escaped(
    organisation, officer, client_for
):
    CommentFactory(engagement__organisation=organisation, body=SCRIPT)
    CommentFactory(
        engagement__organisation=organisation,
        body="Already approved",
        status=Comment.Status.APPROVED,
    )

    response = client_for(officer).get(
        reverse("engagements:moderation-queue", args=[organisation.slug])
    )

    assert_escaped(response, SCRIPT)
    assert "Already approved" not in page_text(response)


# --- response editor ---------------------------------------------------------------


@pytest.mark.django_db
def test_save_preview_and_publish_a_response(
    organisation, officer, resident, client_for, django_capture_on_commit_callbacks
):
    engagement = EngagementFactory(
        organisation=organisation,
        status=S.CLOSED,
        closed_at=timezone.now() - timedelta(days=2),
        allows_comments=True,
    )
    CommentFactory(engagement=engagement, author=resident)
    client = client_for(officer)

    saved = client.post(
        _url("response-edit", engagement),
        {
            "what_we_heard_en": SCRIPT,
            "what_we_decided_en": "Decided",
            "what_changes_en": "Changes",
            "what_does_not_change_en": "Not",
        },
    )
    assert saved.status_code == 302
    preview = client.get(saved.url)
    assert_escaped(preview, SCRIPT)
    with django_capture_on_commit_callbacks(execute=True):
        published = client.post(_url("response-publish", engagement))

    assert published.status_code == 302
    engagement.refresh_from_db()
    assert engagement.status == S.RESPONDED
    assert [m.to for m in mail.outbox] == [[resident.email]]
    public_page = client_for(None).get(
        reverse("engagements:response-list", args=[organisation.slug])
    )
    assert "100%" in page_text(public_page)


@pytest.mark.django_db
def test_response_without_text_names_each_missing_part(
    organisation, officer, client_for
):
    engagement = EngagementFactory(organisation=organisation, status=S.CLOSED)

    response = client_for(officer).post(_url("response-edit", engagement), {})

    assert response.status_code == 200
    assert_error_summary_names_field(
        response,
        field_id="id_what_we_heard_en",
        message="Enter what you heard, in English.",
    )
    assert not EngagementResponse.objects.exists()


# --- dashboard ---------------------------------------------------------------------


@pytest.mark.django_db
def test_dashboard_shows_levels_statuses_and_overdue_responses(
    organisation, analyst, client_for, django_assert_max_num_queries
):
    for _ in range(5):
        EngagementFactory(organisation=organisation, level=ParticipationLevel.EMPOWER)
    overdue = EngagementFactory(
        organisation=organisation,
        status=S.CLOSED,
        title_en=f"Overdue {SCRIPT}",
        response_due_on=timezone.localdate() - timedelta(days=5),
    )
    client = client_for(analyst)
    url = reverse("organisations:organisation-dashboard", args=[organisation.slug])
    client.get(url)

    with django_assert_max_num_queries(20):
        response = client.get(url)

    text = page_text(response)
    assert "Responses overdue" in text
    assert overdue.get_absolute_url() in text
    assert_escaped(response, SCRIPT)
    assert "83%" in text  # 5 of 6 above consult


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("actor_fixture", "sees_moderation"),
    [("officer", True), ("administrator", True), ("analyst", False)],
)
def test_navigation_offers_engagements_and_moderation_by_role(
    request, organisation, client_for, actor_fixture, sees_moderation
):
    client = client_for(request.getfixturevalue(actor_fixture))

    text = page_text(
        client.get(
            reverse("organisations:organisation-dashboard", args=[organisation.slug])
        )
    )

    assert reverse("engagements:engagement-list", args=[organisation.slug]) in text
    moderation = reverse("engagements:moderation-queue", args=[organisation.slug])
    assert (moderation in text) is sees_moderation


@pytest.mark.django_db
def test_detail_page_takes_a_bounded_number_of_queries(
    organisation, officer, client_for, django_assert_max_num_queries
):
    engagement = EngagementFactory(organisation=organisation, allows_comments=True)
    for _ in range(5):
        EngagementEventFactory(engagement=engagement)
        CommentFactory(engagement=engagement, status=Comment.Status.APPROVED)
        engagement.areas.add(AreaFactory(organisation=organisation))
    client = client_for(officer)
    client.get(engagement.get_absolute_url())

    with django_assert_max_num_queries(30):
        response = client.get(engagement.get_absolute_url())

    assert response.status_code == 200


@pytest.mark.django_db
def test_status_page_explains_at_once_when_a_change_is_not_possible(
    organisation, officer, client_for
):
    engagement = EngagementFactory(organisation=organisation, status=S.DRAFT)

    response = client_for(officer).get(
        _url("engagement-status", engagement, action="close")
    )

    text = page_text(response)
    assert response.status_code == 200
    assert "This engagement is Draft, so it cannot be changed to Closed." in text
    assert 'method="post"' not in text.split("<main")[1]


@pytest.mark.django_db
def test_staff_see_every_survey_with_build_and_results_links_and_residents_do_not(
    organisation, officer, resident, client_for
):
    engagement = EngagementFactory(organisation=organisation)
    live = published_survey(engagement=engagement, organisation=organisation)
    draft = SurveyFactory(engagement=engagement, organisation=organisation)
    staff_links = [
        reverse(
            "surveys:survey-builder",
            args=[organisation.slug, engagement.slug, draft.slug],
        ),
        reverse(
            "survey_results:results",
            args=[organisation.slug, engagement.slug, live.slug],
        ),
        reverse("surveys:survey-create", args=[organisation.slug, engagement.slug]),
    ]

    page = client_for(officer).get(engagement.get_absolute_url()).content.decode()
    for link in staff_links:
        assert link in page

    page = client_for(resident).get(engagement.get_absolute_url()).content.decode()
    for link in staff_links:
        assert link not in page
