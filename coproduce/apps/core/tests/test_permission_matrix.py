"""Every page of the product, visited by every kind of person.

The table below lists each named URL of our apps with the status each person
should get. A new URL fails `test_every_product_url_is_in_the_table` until it
is added here, so nobody ships a page whose access rules were never checked.
allauth's pages and the Django support admin are left out: they have their
own tests upstream.

People: anonymous, a resident (account, no role), the five roles of
`organisation`, and an administrator of `other_organisation`. Statuses: 200,
LOGIN (302 to the sign-in page), 403 for no or too little role, 404 for
another organisation's objects or an unknown organisation, 405 for GET on
POST-only actions. POSTs that must be refused must also change nothing.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from coproduce.apps.accounts.models import User
from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.organisations.models import (
    Area,
    Invitation,
    Membership,
    Organisation,
    Role,
)
from coproduce.apps.organisations.tests.factories import (
    AreaFactory,
    InvitationFactory,
    MembershipFactory,
)
from coproduce.testing.matrix import (
    ACTORS,
    ADMINISTRATOR,
    ANALYST,
    ANONYMOUS,
    COMMUNITY_ORGANISER,
    ELECTED_MEMBER,
    LOGIN,
    OFFICER,
    OTHER_ADMINISTRATOR,
    RESIDENT,
    MatrixContext,
    Row,
    Scenario,
    administrators,
    members,
    post_only,
    public,
    signed_in,
    signed_in_404,
)

_AREA_DATA = {
    "name_en": "Ŵyn <b>",
    "name_cy": "",
    "code": "W05999999",
    "level": "ward",
    "parent": "",
}

CORE_ROWS: list[Row] = [
    # core: public pages
    Row("core:home", "none", public()),
    Row("core:accessibility", "none", public()),
    Row("core:privacy", "none", public()),
    # accounts: anyone signed in, for their own account
    Row("accounts:profile", "none", signed_in()),
    Row("accounts:delete", "none", signed_in()),
    # organisations: pages of `organisation`
    Row("organisations:organisation-dashboard", "organisation", members()),
    Row(
        "organisations:organisation-dashboard", "missing organisation", signed_in_404()
    ),
    Row("organisations:organisation-update", "organisation", administrators()),
    Row("organisations:area-list", "organisation", members()),
    Row("organisations:area-create", "organisation", administrators()),
    Row("organisations:area-update", "area", administrators()),
    Row("organisations:area-delete", "area", administrators()),
    Row("organisations:member-list", "organisation", administrators()),
    Row("organisations:member-invite", "organisation", administrators()),
    Row("organisations:member-role", "membership", administrators()),
    Row("organisations:member-remove", "membership", administrators()),
    Row("organisations:invitation-status", "invitation", administrators()),
    Row("organisations:invitation-resend", "invitation", post_only()),
    Row("organisations:invitation-cancel", "invitation", post_only()),
    # The token is the secret: anyone holding the link sees the invitation and
    # is offered to sign in; an unknown or used token is 404 for everyone.
    Row("organisations:invitation-accept", "token", public()),
    Row("organisations:invitation-accept", "missing token", dict.fromkeys(ACTORS, 404)),
    # another organisation's objects under this organisation's address: members
    # who may see areas get 404 (hidden and missing look the same)
    Row("organisations:area-update", "foreign area", administrators(404, others=404)),
    Row("organisations:area-delete", "foreign area", administrators(404, others=404)),
    Row("organisations:member-role", "foreign membership", administrators(404)),
    Row("organisations:member-remove", "foreign membership", administrators(404)),
    Row("organisations:invitation-status", "foreign invitation", administrators(404)),
    # audit
    Row("audit:event-list", "organisation", administrators()),
    Row("audit:event-list", "missing organisation", signed_in_404()),
    # --- POSTs: only an administrator changes anything --------------------------
    Row(
        "organisations:organisation-update",
        "organisation",
        administrators(302),
        "post",
        {
            "name_en": "Taken",
            "name_cy": "Wedi",
            "kind": "other",
            "response_due_weeks": "8",
        },
    ),
    Row(
        "organisations:area-create",
        "organisation",
        administrators(302),
        "post",
        _AREA_DATA,
    ),
    Row("organisations:area-update", "area", administrators(302), "post", _AREA_DATA),
    Row("organisations:area-delete", "area", administrators(302), "post"),
    Row(
        "organisations:area-delete",
        "foreign area",
        administrators(404, others=404),
        "post",
    ),
    Row(
        "organisations:member-invite",
        "organisation",
        administrators(302),
        "post",
        {"email": "new.member@example.org", "role": Role.ADMINISTRATOR},
    ),
    Row(
        "organisations:member-role",
        "membership",
        administrators(302),
        "post",
        {"role": Role.ADMINISTRATOR},
    ),
    Row(
        "organisations:member-role",
        "foreign membership",
        administrators(404),
        "post",
        {"role": Role.ANALYST},
    ),
    Row("organisations:member-remove", "membership", administrators(302), "post"),
    Row(
        "organisations:member-remove", "foreign membership", administrators(404), "post"
    ),
    Row("organisations:invitation-resend", "invitation", administrators(302), "post"),
    Row(
        "organisations:invitation-resend",
        "foreign invitation",
        administrators(404),
        "post",
    ),
    Row("organisations:invitation-cancel", "invitation", administrators(302), "post"),
    Row(
        "organisations:invitation-cancel",
        "foreign invitation",
        administrators(404),
        "post",
    ),
    # Nobody here is the invited person: the page explains, nothing changes.
    Row("organisations:invitation-accept", "token", signed_in(200), "post"),
]


def _app_matrix_modules() -> list[ModuleType]:
    """Every `coproduce.apps.<app>.tests.matrix*` module: apps add their own rows."""
    import coproduce.apps

    found = []
    for app in pkgutil.iter_modules(coproduce.apps.__path__):
        try:
            tests = importlib.import_module(f"coproduce.apps.{app.name}.tests")
        except ModuleNotFoundError:
            continue
        for module in pkgutil.iter_modules(tests.__path__):
            if module.name.startswith("matrix"):
                found.append(importlib.import_module(f"{tests.__name__}.{module.name}"))
    return found


APP_MATRIX_MODULES = _app_matrix_modules()
TABLE: list[Row] = CORE_ROWS + [
    row for module in APP_MATRIX_MODULES for row in module.ROWS
]
# Which app module made each row: a case builds only that app's objects, since
# building every app's objects for each of thousands of cases is most of the cost.
ROW_OWNER: dict[int, ModuleType] = {
    id(row): module for module in APP_MATRIX_MODULES for row in module.ROWS
}


def _cases() -> Iterator[Any]:
    for row in TABLE:
        for actor in ACTORS:
            yield pytest.param(row, actor, id=f"{row.id} as {actor}")


@pytest.fixture
def scenario(
    request: pytest.FixtureRequest,
    organisation: Organisation,
    other_organisation: Organisation,
    administrator: User,
    officer: User,
    analyst: User,
    elected_member: User,
    community_organiser: User,
    resident: User,
    staff_of_other_organisation: User,
) -> Scenario:
    org = {"org_slug": organisation.slug}
    # A member none of the actors is, so removing them never removes an actor.
    target_member = MembershipFactory(organisation=organisation, role=Role.ANALYST)
    users: dict[str, User | None] = {
        ANONYMOUS: None,
        RESIDENT: resident,
        ADMINISTRATOR: administrator,
        OFFICER: officer,
        ANALYST: analyst,
        ELECTED_MEMBER: elected_member,
        COMMUNITY_ORGANISER: community_organiser,
        OTHER_ADMINISTRATOR: staff_of_other_organisation,
    }
    kwargs: dict[str, dict[str, Any]] = {
        "none": {},
        "organisation": org,
        "missing organisation": {"org_slug": "no-such-council"},
        "area": {**org, "pk": AreaFactory(organisation=organisation).pk},
        "membership": {**org, "pk": target_member.pk},
        "invitation": {
            **org,
            "pk": InvitationFactory(organisation=organisation).pk,
        },
        "token": {
            "token": InvitationFactory(
                organisation=organisation, email="invitee@example.org"
            ).token
        },
        "missing token": {"token": "no-such-token"},
        "foreign area": {
            **org,
            "pk": AreaFactory(organisation=other_organisation).pk,
        },
        "foreign membership": {
            **org,
            "pk": Membership.objects.get(user=staff_of_other_organisation).pk,
        },
        "foreign invitation": {
            **org,
            "pk": InvitationFactory(organisation=other_organisation).pk,
        },
    }
    context = MatrixContext(
        organisation=organisation,
        other_organisation=other_organisation,
        users=users,
    )
    owner = ROW_OWNER.get(id(request.node.callspec.params["row"]))
    if owner is not None:
        app_kwargs = owner.scenario_kwargs(context)
        clashes = set(app_kwargs) & set(kwargs)
        assert not clashes, f"{owner.__name__} reuses target names {clashes}"
        kwargs.update(app_kwargs)
    return Scenario(users=users, kwargs=kwargs)


def _database_state() -> tuple[Any, ...]:
    """Everything a request to these pages could change."""
    return (
        list(Organisation.objects.order_by("pk").values_list("pk", "name_en", "kind")),
        list(
            Area.objects.order_by("pk").values_list("pk", "name_en", "code", "parent")
        ),
        list(Membership.objects.order_by("pk").values_list("pk", "user", "role")),
        list(
            Invitation.objects.order_by("pk").values_list(
                "pk", "status", "email_status", "expires_at"
            )
        ),
        User.objects.count(),
        AuditEvent.objects.count(),
        *(
            module.database_state()
            for module in APP_MATRIX_MODULES
            if hasattr(module, "database_state")
        ),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "actor"), list(_cases()))
def test_each_person_gets_the_expected_status(
    row: Row,
    actor: str,
    scenario: Scenario,
    client_for: Callable[[User | None], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_for(scenario.users[actor])
    url = reverse(row.name, kwargs=scenario.kwargs[row.target])
    expected = row.expected[actor]
    before = _database_state()

    # Run on-commit work too, so a refused request that queued an e-mail shows.
    with django_capture_on_commit_callbacks(execute=True):
        response = getattr(client, row.method)(url, row.data)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login") + "?next=")
    else:
        assert response.status_code == expected, (
            f"{row.id} as {actor}: expected {expected}, got {response.status_code}"
        )
    changed = _database_state() != before
    if row.method == "post" and expected == 302:
        assert changed, f"{row.id} as {actor} was accepted but changed nothing"
    else:
        assert not changed, f"{row.id} as {actor} changed data"


def _url_names(
    patterns: list[URLPattern | URLResolver], namespace: str = ""
) -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":  # Django's support admin
                continue
            prefix = (
                f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            )
            yield from _url_names(pattern.url_patterns, prefix)
        elif pattern.name:
            if pattern.callback.__module__.startswith("allauth."):
                continue
            yield f"{namespace}{pattern.name}"


def test_every_product_url_is_in_the_table() -> None:
    in_urlconf = set(_url_names(get_resolver().url_patterns))
    in_table = {row.name for row in TABLE}

    missing = sorted(in_urlconf - in_table)
    assert not missing, (
        f"Add these URLs to TABLE in {__name__} with the status each person "
        f"should get: {missing}"
    )
    assert not in_table - in_urlconf, "TABLE names URLs that no longer exist"


def test_every_state_changing_url_is_also_checked_with_post() -> None:
    posted = {row.name for row in TABLE if row.method == "post"}

    for name in [
        "organisations:area-delete",
        "organisations:member-remove",
        "organisations:invitation-cancel",
        "organisations:invitation-resend",
    ]:
        assert name in posted
