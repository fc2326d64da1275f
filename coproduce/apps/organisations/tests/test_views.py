"""Organisation pages: bad input gives the GOV.UK error summary, never a 500."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from coproduce.apps.accounts.tests.factories import UserFactory
from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.audit.tests.factories import AuditEventFactory
from coproduce.apps.organisations.models import Area, Invitation, Membership, Role
from coproduce.apps.organisations.tests.factories import (
    AreaFactory,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
)
from coproduce.testing.pages import (
    assert_error_summary_names_field,
    assert_error_summary_says,
    assert_escaped,
    page_text,
)
from coproduce.testing.text import SCRIPT, hostile_strings


def _url(name: str, organisation, **kwargs) -> str:
    return reverse(
        f"organisations:{name}", kwargs={"org_slug": organisation.slug, **kwargs}
    )


def _area_form(**overrides) -> dict[str, str]:
    data = {
        "name_en": "Splott",
        "name_cy": "Sblot",
        "code": "W05000001",
        "level": Area.Level.WARD,
        "parent": "",
    }
    data.update(overrides)
    return data


# --- areas ------------------------------------------------------------------------


@pytest.mark.django_db
def test_adding_an_area_saves_it_and_returns_to_the_list(
    organisation, administrator, client_for
):
    response = client_for(administrator).post(
        _url("area-create", organisation), _area_form(name_en=SCRIPT, code="w05000777")
    )

    assert response.status_code == 302
    assert response.url == _url("area-list", organisation)
    area = Area.objects.get(organisation=organisation)
    assert (area.name_en, area.code) == (SCRIPT, "W05000777")
    assert AuditEvent.objects.get().action == "area.create"


@pytest.mark.django_db
def test_a_duplicate_area_code_is_shown_in_the_error_summary_and_nothing_saved(
    organisation, administrator, client_for
):
    AreaFactory(organisation=organisation, code="W05000001")

    response = client_for(administrator).post(
        _url("area-create", organisation), _area_form(code="w05000001")
    )

    assert response.status_code == 200
    assert_error_summary_names_field(
        response,
        field_id="id_code",
        message="Another area already has the code W05000001. "
        "Each code must be unique.",
    )
    assert Area.objects.filter(organisation=organisation).count() == 1
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_a_malformed_area_code_is_shown_in_the_error_summary(
    organisation, administrator, client_for
):
    response = client_for(administrator).post(
        _url("area-create", organisation), _area_form(code="W05-01")
    )

    assert response.status_code == 200
    assert_error_summary_names_field(
        response,
        field_id="id_code",
        message="Enter the code in capital letters and digits only, for example "
        "W05000001 or E05012345.",
    )
    assert not Area.objects.exists()


@pytest.mark.django_db
def test_a_missing_name_and_code_are_both_named_in_the_error_summary(
    organisation, administrator, client_for
):
    response = client_for(administrator).post(
        _url("area-create", organisation), _area_form(name_en="", code="")
    )

    assert response.status_code == 200
    assert_error_summary_names_field(
        response, field_id="id_name_en", message="Enter the area's name in English."
    )
    assert_error_summary_names_field(
        response, field_id="id_code", message="Enter the area's official code."
    )
    assert not Area.objects.exists()


@pytest.mark.django_db
def test_a_parent_from_another_organisation_cannot_be_chosen(
    organisation, other_organisation, administrator, client_for
):
    foreign = AreaFactory(organisation=other_organisation)

    response = client_for(administrator).post(
        _url("area-create", organisation), _area_form(parent=str(foreign.pk))
    )

    assert response.status_code == 200
    assert 'href="#id_parent"' in page_text(response)
    assert not Area.objects.filter(organisation=organisation).exists()


@pytest.mark.django_db
def test_a_cycle_in_the_area_tree_is_refused_by_the_edit_form(
    organisation, administrator, client_for
):
    a = AreaFactory(organisation=organisation, code="W05000001")
    b = AreaFactory(organisation=organisation, parent=a)
    c = AreaFactory(organisation=organisation, parent=b)

    response = client_for(administrator).post(
        _url("area-update", organisation, pk=a.pk),
        _area_form(
            name_en=a.name_en,
            name_cy=a.name_cy,
            code=a.code,
            level=a.level,
            parent=str(c.pk),
        ),
    )

    assert response.status_code == 200
    assert_error_summary_names_field(
        response,
        field_id="id_parent",
        message="An area cannot be part of itself or of one of its own smaller "
        "areas. Choose a different parent.",
    )
    a.refresh_from_db()
    assert a.parent is None
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_the_edit_form_shows_the_areas_current_values(
    organisation, administrator, client_for
):
    parent = AreaFactory(organisation=organisation)
    area = AreaFactory(organisation=organisation, parent=parent, code="W05000042")

    response = client_for(administrator).get(
        _url("area-update", organisation, pk=area.pk)
    )

    assert response.status_code == 200
    assert 'value="W05000042"' in page_text(response)
    assert f'<option value="{parent.pk}" selected>' in page_text(response)


@pytest.mark.django_db
def test_deleting_an_area_with_smaller_areas_shows_why_and_keeps_it(
    organisation, administrator, client_for
):
    parent = AreaFactory(organisation=organisation, name_en=SCRIPT)
    AreaFactory(organisation=organisation, parent=parent)

    response = client_for(administrator).post(
        _url("area-delete", organisation, pk=parent.pk)
    )

    assert response.status_code == 200
    assert_error_summary_says(
        response, f"{SCRIPT} contains 1 smaller areas. Move or delete them first."
    )
    assert_escaped(response, SCRIPT)
    assert Area.objects.filter(pk=parent.pk).exists()


@pytest.mark.django_db
def test_deleting_an_empty_area_removes_it(organisation, administrator, client_for):
    area = AreaFactory(organisation=organisation)

    response = client_for(administrator).post(
        _url("area-delete", organisation, pk=area.pk)
    )

    assert response.status_code == 302
    assert not Area.objects.filter(pk=area.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", hostile_strings(max_length=200))
def test_hostile_area_and_organisation_names_are_escaped_on_the_area_list(
    administrator, client_for, name
):
    organisation = OrganisationFactory(name_en=name)
    MembershipFactory(
        organisation=organisation, user=administrator, role="administrator"
    )
    AreaFactory(organisation=organisation, name_en=name)
    AreaFactory(organisation=organisation, name_en=SCRIPT)

    response = client_for(administrator).get(_url("area-list", organisation))

    assert response.status_code == 200
    assert_escaped(response, name)
    assert_escaped(response, SCRIPT)


@pytest.mark.django_db
def test_the_area_list_uses_a_bounded_number_of_queries(
    organisation, officer, client_for, django_assert_max_num_queries
):
    client = client_for(officer)
    root = AreaFactory(organisation=organisation)
    for _ in range(20):
        AreaFactory(organisation=organisation, parent=root)

    with django_assert_max_num_queries(15):
        response = client.get(_url("area-list", organisation))

    assert response.status_code == 200
    assert page_text(response).count('class="govuk-table__row"') == 22  # with header


# --- members ----------------------------------------------------------------------


@pytest.mark.django_db
def test_an_invalid_invitation_address_is_shown_in_the_error_summary(
    organisation, administrator, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(administrator).post(
            _url("member-invite", organisation),
            {"email": "not-an-address", "role": Role.ANALYST},
        )

    assert response.status_code == 200
    assert_error_summary_names_field(
        response,
        field_id="id_email",
        message="Enter an email address in the correct format, like name@example.org.",
    )
    assert not Invitation.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_a_missing_role_is_shown_in_the_error_summary_linking_to_the_first_radio(
    organisation, administrator, client_for
):
    response = client_for(administrator).post(
        _url("member-invite", organisation), {"email": "someone@example.org"}
    )

    assert response.status_code == 200
    assert_error_summary_names_field(
        response, field_id="id_role_0", message="Choose a role."
    )
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_inviting_an_existing_member_is_shown_in_the_error_summary(
    organisation, administrator, officer, client_for
):
    response = client_for(administrator).post(
        _url("member-invite", organisation),
        {"email": officer.email, "role": Role.ANALYST},
    )

    assert response.status_code == 200
    assert_error_summary_names_field(
        response,
        field_id="id_email",
        message=f"{officer.email} is already a member of this organisation.",
    )
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_inviting_someone_twice_is_shown_in_the_error_summary(
    organisation, administrator, client_for
):
    InvitationFactory(organisation=organisation, email="twice@example.org")

    response = client_for(administrator).post(
        _url("member-invite", organisation),
        {"email": "twice@example.org", "role": Role.ANALYST},
    )

    assert response.status_code == 200
    assert 'href="#id_email"' in page_text(response)
    assert "already been invited" in page_text(response)
    assert Invitation.objects.count() == 1


@pytest.mark.django_db
def test_an_invitation_is_e_mailed_after_the_page_saves_it(
    organisation,
    administrator,
    client_for,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(administrator).post(
            _url("member-invite", organisation),
            {"email": "new@example.org", "role": Role.ANALYST},
        )

    assert response.status_code == 302
    assert response.url == _url("member-list", organisation)
    assert [m.to for m in mailoutbox] == [["new@example.org"]]
    assert Invitation.objects.get().email_status == Invitation.EmailStatus.SENT


@pytest.mark.django_db
def test_demoting_the_last_administrator_is_shown_in_the_error_summary(
    organisation, administrator, client_for
):
    membership = Membership.objects.get(user=administrator)

    response = client_for(administrator).post(
        _url("member-role", organisation, pk=membership.pk), {"role": Role.ANALYST}
    )

    assert response.status_code == 200
    assert "is the only administrator" in page_text(response)
    assert 'class="govuk-error-summary"' in page_text(response)
    membership.refresh_from_db()
    assert membership.role == Role.ADMINISTRATOR
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_removing_the_last_administrator_is_shown_in_the_error_summary(
    organisation, administrator, client_for
):
    membership = Membership.objects.get(user=administrator)

    response = client_for(administrator).post(
        _url("member-remove", organisation, pk=membership.pk)
    )

    assert response.status_code == 200
    assert_error_summary_says(
        response,
        f"{administrator.email} is the only administrator and cannot be removed. "
        "Make someone else an administrator first.",
    )
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_removing_a_member_returns_to_the_member_list(
    organisation, administrator, officer, client_for
):
    membership = Membership.objects.get(user=officer)

    response = client_for(administrator).post(
        _url("member-remove", organisation, pk=membership.pk)
    )

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", hostile_strings(max_length=200))
def test_hostile_member_names_are_escaped_on_the_member_list(
    organisation, administrator, client_for, name
):
    MembershipFactory(organisation=organisation, user=UserFactory(full_name=name))
    InvitationFactory(
        organisation=organisation,
        email_status=Invitation.EmailStatus.FAILED,
        email_error=SCRIPT,
    )

    response = client_for(administrator).get(_url("member-list", organisation))

    assert response.status_code == 200
    assert_escaped(response, name)
    assert_escaped(response, SCRIPT)


@pytest.mark.django_db
def test_the_member_list_uses_a_bounded_number_of_queries(
    organisation, administrator, client_for, django_assert_max_num_queries
):
    client = client_for(administrator)
    for _ in range(10):
        MembershipFactory(organisation=organisation)
        InvitationFactory(organisation=organisation)

    with django_assert_max_num_queries(15):
        response = client.get(_url("member-list", organisation))

    assert response.status_code == 200


# --- invitations ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_invitation_status_fragment_shows_a_failure_and_its_reason(
    organisation, administrator, client_for
):
    invitation = InvitationFactory(
        organisation=organisation,
        email_status=Invitation.EmailStatus.FAILED,
        email_error=SCRIPT,
    )

    response = client_for(administrator).get(
        _url("invitation-status", organisation, pk=invitation.pk)
    )

    assert response.status_code == 200
    assert "Could not be sent" in page_text(response)
    assert_escaped(response, SCRIPT)
    assert "<html" not in page_text(response)  # a fragment, not a page


@pytest.mark.django_db
def test_cancelling_an_invitation_twice_shows_a_message_not_an_error_page(
    organisation, administrator, client_for
):
    invitation = InvitationFactory(
        organisation=organisation, status=Invitation.Status.CANCELLED
    )

    response = client_for(administrator).post(
        _url("invitation-cancel", organisation, pk=invitation.pk)
    )

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Only an invitation waiting for a reply can be cancelled."
    ]


@pytest.mark.django_db
def test_resending_an_invitation_sends_it_again(
    organisation,
    administrator,
    client_for,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    invitation = InvitationFactory(organisation=organisation)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(administrator).post(
            _url("invitation-resend", organisation, pk=invitation.pk)
        )

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert AuditEvent.objects.filter(action="invitation.resend").count() == 1


@pytest.mark.django_db
def test_accepting_an_invitation_joins_the_organisation(organisation, client_for):
    user = UserFactory(email="joiner@example.org")
    invitation = InvitationFactory(
        organisation=organisation, email="joiner@example.org", role=Role.ANALYST
    )
    client = client_for(user)
    url = reverse("organisations:invitation-accept", kwargs={"token": invitation.token})

    page = client.get(url)
    response = client.post(url)

    assert page.status_code == 200
    assert_escaped(page, organisation.name)
    assert response.status_code == 302
    assert response.url == organisation.get_absolute_url()
    assert Membership.objects.get(user=user).role == Role.ANALYST


@pytest.mark.django_db
def test_accepting_someone_elses_invitation_is_shown_in_the_error_summary(
    organisation, resident, client_for
):
    invitation = InvitationFactory(
        organisation=organisation, email="invited@example.org"
    )
    url = reverse("organisations:invitation-accept", kwargs={"token": invitation.token})

    response = client_for(resident).post(url)

    assert response.status_code == 200
    assert_error_summary_says(
        response,
        "This invitation was sent to a different email address. Sign in with the "
        "address it was sent to.",
    )
    assert not Membership.objects.filter(user=resident).exists()


@pytest.mark.django_db
def test_an_unknown_invitation_token_is_404(resident, client_for):
    url = reverse("organisations:invitation-accept", kwargs={"token": "no-such-token"})

    assert client_for(resident).get(url).status_code == 404


# --- organisation, dashboard, audit log ---------------------------------------------


@pytest.mark.django_db
def test_a_blank_welsh_organisation_name_is_shown_in_the_error_summary(
    organisation, administrator, client_for
):
    name_before = organisation.name_cy

    response = client_for(administrator).post(
        _url("organisation-update", organisation),
        {
            "name_en": "Cardiff",
            "name_cy": "",
            "kind": "council",
            "response_due_weeks": "12",
        },
    )

    assert response.status_code == 200
    assert 'href="#id_name_cy"' in page_text(response)
    organisation.refresh_from_db()
    assert organisation.name_cy == name_before


@pytest.mark.django_db
@pytest.mark.parametrize("name", hostile_strings(max_length=200))
def test_renaming_the_organisation_keeps_a_hostile_name_and_escapes_it(
    organisation, administrator, client_for, name
):
    client = client_for(administrator)

    response = client.post(
        _url("organisation-update", organisation),
        {
            "name_en": name,
            "name_cy": name,
            "kind": "health_board",
            "response_due_weeks": "12",
        },
    )
    dashboard = client.get(organisation.get_absolute_url())

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.name_en, organisation.name_cy) == (name, name)
    assert_escaped(dashboard, name)


@pytest.mark.django_db
@pytest.mark.parametrize("name", hostile_strings(max_length=300))
def test_hostile_text_in_the_audit_log_is_escaped(
    organisation, administrator, client_for, name
):
    AuditEventFactory(
        organisation=organisation,
        target_repr=name[:100],
        changes={"name_en": {"before": SCRIPT, "after": name}},
    )

    response = client_for(administrator).get(
        reverse("audit:event-list", kwargs={"org_slug": organisation.slug})
    )

    assert response.status_code == 200
    assert_escaped(response, name[:100])
    assert SCRIPT not in page_text(response)


@pytest.mark.django_db
def test_the_audit_log_uses_a_bounded_number_of_queries(
    organisation, administrator, client_for, django_assert_max_num_queries
):
    client = client_for(administrator)
    AuditEventFactory.create_batch(60, organisation=organisation)

    with django_assert_max_num_queries(15):
        response = client.get(
            reverse("audit:event-list", kwargs={"org_slug": organisation.slug})
        )

    assert response.status_code == 200
    assert "Page 1 of 2" in page_text(response)


@pytest.mark.django_db
@pytest.mark.parametrize("weeks", ["0", "105", "twelve", ""])
def test_response_due_weeks_out_of_range_is_refused_naming_the_field(
    organisation, administrator, client_for, weeks
):
    response = client_for(administrator).post(
        _url("organisation-update", organisation),
        {
            "name_en": "Cardiff",
            "name_cy": "Caerdydd",
            "kind": "council",
            "response_due_weeks": weeks,
        },
    )

    assert response.status_code == 200
    assert 'href="#id_response_due_weeks"' in page_text(response)
    organisation.refresh_from_db()
    assert organisation.response_due_weeks == 12
    assert organisation.name_en != "Cardiff"


@pytest.mark.django_db
def test_administrator_sets_response_due_weeks(organisation, administrator, client_for):
    response = client_for(administrator).post(
        _url("organisation-update", organisation),
        {
            "name_en": "Cardiff",
            "name_cy": "Caerdydd",
            "kind": "council",
            "response_due_weeks": "8",
        },
    )

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.response_due_weeks == 8
