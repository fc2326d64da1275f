"""Build the demo council: a bilingual borough with wards, one user per role, and
engagements with a survey and a "you said, we did" response (demo/engagements.py).

Deterministic: the same seed gives the same data, so screenshots, tests and
benchmarks agree. Everything is written through services, as a real set-up would.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction
from django.utils import timezone

from coproduce.apps.accounts.models import User
from coproduce.apps.engagements.models import Engagement
from coproduce.apps.organisations.models import Area, Organisation, Role
from coproduce.apps.organisations.services import (
    area_create,
    membership_create,
    organisation_create,
)
from coproduce.demo.conversations import demo_conversation_build
from coproduce.demo.engagements import (
    DEMO_SURVEY_RESPONSES,
    WARD_POSTCODE_DISTRICTS,
    demo_engagements_build,
)
from coproduce.demo.inclusion import demo_inclusion_build
from coproduce.demo.lookups import demo_lookups_build
from coproduce.demo.population import demo_population_build

DEMO_ORGANISATION_SLUG = "cwm-afon"
# Shown on the terminal by `make demo`; the demo is for a laptop, never production.
DEMO_PASSWORD = "cwm-afon-demo-2026"  # noqa: S105
DEMO_EMAIL_DOMAIN = "cwm-afon.example"


@dataclass(frozen=True)
class DemoPerson:
    role_label: str
    email: str
    full_name: str
    role: str | None  # None: a resident with no staff role


DEMO_PEOPLE = (
    DemoPerson(
        "Administrator",
        f"admin@{DEMO_EMAIL_DOMAIN}",
        "Siân Prydderch",
        Role.ADMINISTRATOR,
    ),
    DemoPerson(
        "Engagement officer",
        f"officer@{DEMO_EMAIL_DOMAIN}",
        "Dafydd ap Gwilym-Jones",
        Role.ENGAGEMENT_OFFICER,
    ),
    DemoPerson("Analyst", f"analyst@{DEMO_EMAIL_DOMAIN}", "Priya Rahman", Role.ANALYST),
    DemoPerson(
        "Elected member",
        f"councillor@{DEMO_EMAIL_DOMAIN}",
        "Cllr Gwenllïan Ŵyn",
        Role.ELECTED_MEMBER,
    ),
    DemoPerson(
        "Community organiser",
        f"organiser@{DEMO_EMAIL_DOMAIN}",
        "Tomasz Nowak",
        Role.COMMUNITY_ORGANISER,
    ),
    DemoPerson("Resident", f"resident1@{DEMO_EMAIL_DOMAIN}", "Eleri Hughes", None),
    DemoPerson("Resident", f"resident2@{DEMO_EMAIL_DOMAIN}", "Mohammed Al-Sayed", None),
    DemoPerson("Resident", f"resident3@{DEMO_EMAIL_DOMAIN}", "Rhys Llŷr", None),
)

# (English name, Welsh name, code). W05/W06 codes in a range ONS does not use,
# so demo data can never be mistaken for a real place.
DEMO_BOROUGH = ("Cwm Afon", "Cwm Afon", "W06900001")
DEMO_WARDS = (
    ("Riverside", "Glan-yr-Afon", "W05900001"),
    ("Castle", "Castell", "W05900002"),
    ("Pen-y-Bryn", "Pen-y-Bryn", "W05900003"),
    ("Llanfair North", "Llanfair Gogledd", "W05900004"),
    ("Llanfair South", "Llanfair De", "W05900005"),
    ("Tŷ Gwyn", "Tŷ Gwyn", "W05900006"),
    ("Old Town", "Hen Dref", "W05900007"),
    ("Harbour", "Harbwr", "W05900008"),
)
SMALL_AREAS_PER_WARD = 3


def demo_totp_secret(email: str, seed: int) -> str:
    """A fixed base32 TOTP secret per demo account, so log-ins are reproducible."""
    digest = hashlib.sha256(f"coproduce-demo:{seed}:{email}".encode()).digest()
    return base64.b32encode(digest[:20]).decode("ascii")


def _demo_user(person: DemoPerson, *, seed: int) -> User:
    user = User.objects.create_user(
        email=person.email, password=DEMO_PASSWORD, full_name=person.full_name
    )
    EmailAddress.objects.create(
        user=user, email=person.email, verified=True, primary=True
    )
    if person.role is not None:
        TOTP.activate(user, demo_totp_secret(person.email, seed))
    return user


@transaction.atomic
def demo_build(
    *, seed: int = 2026, n_survey_responses: int = DEMO_SURVEY_RESPONSES
) -> list[tuple[str, str, str]]:
    """Create the demo council if it is not there yet; return (role, e-mail, MFA) rows.

    Running it twice changes nothing the second time.
    """
    if not Organisation.objects.filter(slug=DEMO_ORGANISATION_SLUG).exists():
        users = {person.email: _demo_user(person, seed=seed) for person in DEMO_PEOPLE}
        organisation = organisation_create(
            actor=None,
            name_en="Cwm Afon County Borough Council",
            name_cy="Cyngor Bwrdeistref Sirol Cwm Afon",
            slug=DEMO_ORGANISATION_SLUG,
            kind=Organisation.Kind.COUNCIL,
        )
        for person in DEMO_PEOPLE:
            if person.role is not None:
                membership_create(
                    actor=None,
                    organisation=organisation,
                    user=users[person.email],
                    role=person.role,
                )
        borough = area_create(
            actor=None,
            organisation=organisation,
            name_en=DEMO_BOROUGH[0],
            name_cy=DEMO_BOROUGH[1],
            code=DEMO_BOROUGH[2],
            level=Area.Level.ORGANISATION,
        )
        for ward_index, (name_en, name_cy, code) in enumerate(DEMO_WARDS):
            ward = area_create(
                actor=None,
                organisation=organisation,
                name_en=name_en,
                name_cy=name_cy,
                code=code,
                level=Area.Level.WARD,
                parent=borough,
            )
            for small in range(SMALL_AREAS_PER_WARD):
                letter = "ABC"[small]
                area_create(
                    actor=None,
                    organisation=organisation,
                    name_en=f"{name_en} {letter}",
                    name_cy=f"{name_cy} {letter}",
                    code=f"W01{9000 + ward_index * 10 + small:06d}",
                    level=Area.Level.SMALL_AREA,
                    parent=ward,
                )
        demo_population_build(
            organisation=organisation,
            analyst=users[f"analyst@{DEMO_EMAIL_DOMAIN}"],
            seed=seed,
        )
        demo_lookups_build(
            organisation=organisation,
            analyst=users[f"analyst@{DEMO_EMAIL_DOMAIN}"],
            districts=WARD_POSTCODE_DISTRICTS,
            seed=seed,
        )
        demo_engagements_build(
            organisation=organisation,
            users={
                "officer": users[f"officer@{DEMO_EMAIL_DOMAIN}"],
                "resident1": users[f"resident1@{DEMO_EMAIL_DOMAIN}"],
                "resident2": users[f"resident2@{DEMO_EMAIL_DOMAIN}"],
            },
            seed=seed,
            n_survey_responses=n_survey_responses,
        )
        demo_inclusion_build(
            organisation=organisation,
            officer=users[f"officer@{DEMO_EMAIL_DOMAIN}"],
            seed=seed,
            now=timezone.now(),
        )
        demo_conversation_build(
            engagement=Engagement.objects.get(
                organisation=organisation, title_en__startswith="Riverside Park"
            ),
            officer=users[f"officer@{DEMO_EMAIL_DOMAIN}"],
            seed=seed,
            now=timezone.now(),
        )
    return [
        (
            person.role_label,
            person.email,
            "TOTP set up" if person.role is not None else "optional",
        )
        for person in DEMO_PEOPLE
    ]


def demo_current_totp_code(email: str) -> str:
    """The current 6-digit code for a demo staff account (demo log-ins only)."""
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )
    from allauth.mfa.utils import decrypt

    if not email.endswith(f"@{DEMO_EMAIL_DOMAIN}"):
        raise ValueError(f"{email} is not a demo account (…@{DEMO_EMAIL_DOMAIN}).")
    authenticator = Authenticator.objects.get(
        user__email=email, type=Authenticator.Type.TOTP
    )
    secret = decrypt(authenticator.data["secret"])
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))
