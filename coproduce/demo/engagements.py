"""Demo engagements for Cwm Afon: every participation level, and the whole loop.

- "Riverside Park": consult, open, with a survey of a few hundred synthetic
  responses skewed older and towards the better-off wards, an event and comments;
- "Youth centre": involve, scheduled to open in a fortnight;
- "Bus shelters": collaborate, closed and answered ("you said, we did");
- "Harbour Road resurfacing": inform, open;
- "Recycling collections": consult, closed and its response overdue, so the
  dashboard's overdue list has something in it.

Written through the services as the demo officer, so the audit log reads like
a real one. Past dates (when something closed or was answered) are then set
directly: services stamp "now", and a demo needs a history.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from coproduce.apps.accounts.models import User
from coproduce.apps.engagements.models import Engagement, ParticipationLevel
from coproduce.apps.engagements.services import (
    comment_approve,
    comment_create,
    engagement_change_status,
    engagement_create,
    event_create,
    response_publish,
    response_save,
    topic_create,
)
from coproduce.apps.organisations.models import Area, Organisation, PostcodeArea
from coproduce.apps.surveys.models import Question, QuestionKind, Survey
from coproduce.apps.surveys.services.builder import survey_create, survey_publish
from coproduce.apps.surveys.services.questions import (
    choices_from_lines,
    question_condition_set,
    question_create,
)
from coproduce.demo.lookups import demo_postcodes_by_ward
from coproduce.demo.responses import synthetic_responses_create

DEMO_SURVEY_RESPONSES = 400
# The better-off wards answer far more often than the others.
WARD_RESPONSE_WEIGHTS = {
    "Castle": 5.0,
    "Llanfair North": 4.0,
    "Old Town": 3.0,
    "Riverside": 1.5,
    "Pen-y-Bryn": 1.0,
    "Llanfair South": 0.6,
    "Tŷ Gwyn": 0.5,
    "Harbour": 0.4,
}
# Fictional postcode districts per ward (the CF9x range is not used by homes).
WARD_POSTCODE_DISTRICTS = {
    "Riverside": "CF91",
    "Castle": "CF92",
    "Pen-y-Bryn": "CF93",
    "Llanfair North": "CF94",
    "Llanfair South": "CF95",
    "Tŷ Gwyn": "CF96",
    "Old Town": "CF97",
    "Harbour": "CF98",
}
CONTACT = "engage@cwm-afon.example"


def _create(officer: User, organisation: Organisation, **fields: object) -> Engagement:
    return engagement_create(
        actor=officer,
        organisation=organisation,
        owning_team=str(fields.pop("owning_team", "Community Engagement Team")),
        contact_email=CONTACT,
        **fields,  # type: ignore[arg-type]
    )


def _park_survey(officer: User, engagement: Engagement) -> Survey:
    survey = survey_create(
        actor=officer,
        engagement=engagement,
        slug="park-survey",
        title_en="Riverside Park survey",
        title_cy="Arolwg Parc Glan-yr-Afon",
        introduction_en="It takes about five minutes. Every question is optional "
        "unless it says otherwise.",
        introduction_cy="Mae’n cymryd tua pum munud. Mae pob cwestiwn yn ddewisol "
        "oni bai ei fod yn dweud fel arall.",
    )

    def ask(kind: str, en: str, cy: str, **kwargs: Any) -> Question:
        return question_create(
            actor=officer, survey=survey, kind=kind, text_en=en, text_cy=cy, **kwargs
        )

    visits = ask(
        QuestionKind.SINGLE_CHOICE,
        "How often do you visit Riverside Park?",
        "Pa mor aml ydych chi’n ymweld â Pharc Glan-yr-Afon?",
        is_required=True,
        options=choices_from_lines(
            english="Every week\nEvery month\nA few times a year\nNever",
            welsh="Bob wythnos\nBob mis\nYchydig o weithiau’r flwyddyn\nByth",
        ),
    )
    ask(
        QuestionKind.SCALE,
        "How safe do you feel in the park after dark?",
        "Pa mor ddiogel ydych chi’n teimlo yn y parc ar ôl iddi dywyllu?",
        options=choices_from_lines(
            english="Very unsafe\nFairly unsafe\nNeither\nFairly safe\nVery safe",
            welsh="Anniogel iawn\nEithaf anniogel\nY naill na’r llall\n"
            "Eithaf diogel\nDiogel iawn",
            numbered=True,
        ),
    )
    ask(
        QuestionKind.MULTIPLE_CHOICE,
        "Which improvements would make you use the park more?",
        "Pa welliannau fyddai’n gwneud i chi ddefnyddio’r parc yn fwy?",
        options=choices_from_lines(
            english="Better lighting\nMore benches\nToilets\nA café\nPlay area",
            welsh="Goleuadau gwell\nMwy o feinciau\nToiledau\nCaffi\nArdal chwarae",
        ),
    )
    # Routing: only people who never visit are asked what stops them (page 2,
    # since a condition must refer to an earlier page).
    never = ask(
        QuestionKind.SHORT_TEXT,
        "What stops you visiting the park?",
        "Beth sy’n eich rhwystro rhag ymweld â’r parc?",
        page=2,
    )
    ask(
        QuestionKind.RANKING,
        "Put these in order of importance to you",
        "Rhowch y rhain yn nhrefn pwysigrwydd i chi",
        page=3,
        options=choices_from_lines(
            english="Cleanliness\nSafety\nThings to do",
            welsh="Glendid\nDiogelwch\nPethau i’w gwneud",
        ),
    )
    ask(
        QuestionKind.MATRIX,
        "How much do you agree with each statement?",
        "I ba raddau ydych chi’n cytuno â phob datganiad?",
        page=3,
        options=choices_from_lines(
            english="Agree\nNeither\nDisagree",
            welsh="Cytuno\nY naill na’r llall\nAnghytuno",
        ),
        rows=choices_from_lines(
            english="The park is clean\nThe paths are easy to use",
            welsh="Mae’r parc yn lân\nMae’r llwybrau’n hawdd eu defnyddio",
            what="row",
        ),
    )
    ask(
        QuestionKind.NUMBER,
        "How many minutes does it take you to walk to the park?",
        "Sawl munud mae’n ei gymryd i chi gerdded i’r parc?",
        page=3,
        settings={"min": 0, "max": 120, "integer_only": True},
    )
    ask(
        QuestionKind.LONG_TEXT,
        "Is there anything else you would like to tell us?",
        "Oes unrhyw beth arall yr hoffech ei ddweud wrthym?",
        page=4,
    )
    question_condition_set(
        actor=officer,
        question=never,
        condition={
            "question": visits.key,
            "operator": "equals",
            "values": ["never"],
        },
    )
    survey_publish(actor=officer, survey=survey)
    survey.refresh_from_db()
    return survey


def demo_engagements_build(
    *,
    organisation: Organisation,
    users: dict[str, User],
    seed: int,
    n_survey_responses: int = DEMO_SURVEY_RESPONSES,
) -> None:
    """Create the demo engagements, survey, responses and comments."""
    officer = users["officer"]
    now = timezone.now()
    wards = {
        area.name_en: area
        for area in Area.objects.filter(
            organisation=organisation, level=Area.Level.WARD
        )
    }
    PostcodeArea.objects.bulk_create(
        PostcodeArea(organisation=organisation, prefix=district, area=wards[ward])
        for ward, district in WARD_POSTCODE_DISTRICTS.items()
    )
    parks = topic_create(
        actor=officer, organisation=organisation, name_en="Parks", name_cy="Parciau"
    )
    transport = topic_create(
        actor=officer,
        organisation=organisation,
        name_en="Transport",
        name_cy="Trafnidiaeth",
    )
    young = topic_create(
        actor=officer,
        organisation=organisation,
        name_en="Young people",
        name_cy="Pobl ifanc",
    )
    waste = topic_create(
        actor=officer,
        organisation=organisation,
        name_en="Waste and recycling",
        name_cy="Gwastraff ac ailgylchu",
    )

    park = _create(
        officer,
        organisation,
        title_en="Riverside Park: what should change?",
        title_cy="Parc Glan-yr-Afon: beth ddylai newid?",
        summary_en="We have £250,000 to improve Riverside Park next year.",
        summary_cy="Mae gennym £250,000 i wella Parc Glan-yr-Afon y flwyddyn nesaf.",
        purpose_en="Your answers decide which improvements we fund first.",
        purpose_cy="Bydd eich atebion yn penderfynu pa welliannau a ariannwn gyntaf.",
        level=ParticipationLevel.CONSULT,
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=21),
        allows_comments=True,
        areas=[wards["Riverside"]],
        topics=[parks],
        owning_team="Parks and Green Spaces",
    )
    engagement_change_status(actor=officer, engagement=park, status="open")
    event_create(
        actor=officer,
        engagement=park,
        title_en="Drop-in at Riverside Library",
        title_cy="Sesiwn galw heibio yn Llyfrgell Glan-yr-Afon",
        starts_at=now + timedelta(days=5, hours=2),
        ends_at=now + timedelta(days=5, hours=5),
        venue="Riverside Library, 1 Heol yr Afon, Cwm Afon CF91 1AA",
        accessibility_information_en="Step-free entrance, hearing loop, "
        "accessible toilet. British Sign Language on request.",
        accessibility_information_cy="Mynedfa heb risiau, dolen sain, toiled "
        "hygyrch. Iaith Arwyddion Prydain ar gais.",
    )
    survey = _park_survey(officer, park)
    synthetic_responses_create(
        version=survey.current_version,  # type: ignore[arg-type]
        n_submissions=n_survey_responses,
        seed=seed,
        areas=[wards[name] for name in WARD_RESPONSE_WEIGHTS],
        area_weights=list(WARD_RESPONSE_WEIGHTS.values()),
        skew=True,
        submitted_from=now - timedelta(days=9),
        # Postcodes in the wards' small areas (demo/lookups.py). The response's
        # area stays the ward, which the results filter lists.
        postcodes=demo_postcodes_by_ward(
            organisation=organisation, districts=WARD_POSTCODE_DISTRICTS
        ),
    )
    comment = comment_create(
        actor=users["resident1"],
        engagement=park,
        body="Please keep the old oak trees by the river. Diolch!",
    )
    comment_approve(actor=officer, comment=comment)
    comment_create(
        actor=users["resident2"],
        engagement=park,
        body="The gate on Mill Lane is locked at 6pm, which is too early.",
    )

    youth = _create(
        officer,
        organisation,
        title_en="Designing the new youth centre together",
        title_cy="Cynllunio’r ganolfan ieuenctid newydd gyda’n gilydd",
        summary_en="Young people and families will help design the centre from "
        "the first sketch.",
        summary_cy="Bydd pobl ifanc a theuluoedd yn helpu i gynllunio’r ganolfan o’r "
        "braslun cyntaf.",
        purpose_en="The rooms, opening hours and activities, within the budget.",
        purpose_cy="Yr ystafelloedd, yr oriau agor a’r gweithgareddau, o fewn y "
        "gyllideb.",
        level=ParticipationLevel.INVOLVE,
        opens_at=now + timedelta(days=14),
        closes_at=now + timedelta(days=70),
        areas=[wards["Tŷ Gwyn"], wards["Harbour"]],
        topics=[young],
        owning_team="Youth Service",
    )
    engagement_change_status(actor=officer, engagement=youth, status="scheduled")

    shelters = _create(
        officer,
        organisation,
        title_en="Bus shelters: where they go next",
        title_cy="Llochesi bysiau: ble maen nhw’n mynd nesaf",
        summary_en="Residents and bus users chose the next twenty shelter sites "
        "with us.",
        summary_cy="Dewisodd trigolion a defnyddwyr bysiau’r ugain safle nesaf ar "
        "gyfer llochesi gyda ni.",
        purpose_en="The list of sites and the order they are built in.",
        purpose_cy="Y rhestr o safleoedd a’r drefn y cânt eu hadeiladu.",
        level=ParticipationLevel.COLLABORATE,
        areas=list(wards.values()),
        topics=[transport],
        owning_team="Transport Planning",
    )
    engagement_change_status(actor=officer, engagement=shelters, status="open")
    engagement_change_status(actor=officer, engagement=shelters, status="closed")
    response_save(
        actor=officer,
        engagement=shelters,
        what_we_heard_en="412 people took part. Most asked for shelters near GP "
        "surgeries and on the hill routes older people use.",
        what_we_heard_cy="Cymerodd 412 o bobl ran. Gofynnodd y rhan fwyaf am lochesi "
        "ger meddygfeydd ac ar y llwybrau bryniog y mae pobl hŷn yn eu defnyddio.",
        what_we_decided_en="We will build twenty shelters in the order residents "
        "ranked them, starting with Pen-y-Bryn surgery.",
        what_we_decided_cy="Byddwn yn adeiladu ugain lloches yn y drefn a ddewiswyd "
        "gan drigolion, gan ddechrau gyda meddygfa Pen-y-Bryn.",
        what_changes_en="Seats and real-time displays in every new shelter.",
        what_changes_cy="Seddi ac arddangosfeydd amser real ym mhob lloches newydd.",
        what_does_not_change_en="We cannot move bus stops themselves: the bus "
        "companies decide routes.",
        what_does_not_change_cy="Ni allwn symud yr arosfannau bysiau eu hunain: y "
        "cwmnïau bysiau sy’n penderfynu’r llwybrau.",
    )
    response_publish(actor=officer, engagement=shelters)

    roads = _create(
        officer,
        organisation,
        title_en="Harbour Road resurfacing",
        title_cy="Ailwynebu Ffordd yr Harbwr",
        summary_en="Harbour Road will be resurfaced in March. Here is what to expect.",
        summary_cy="Bydd Ffordd yr Harbwr yn cael ei hailwynebu ym mis Mawrth. Dyma "
        "beth i’w ddisgwyl.",
        purpose_en="Nothing about the works can change, but we will answer "
        "questions about access during them.",
        purpose_cy="Ni all dim am y gwaith newid, ond byddwn yn ateb cwestiynau am "
        "fynediad yn ystod y gwaith.",
        level=ParticipationLevel.INFORM,
        opens_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=90),
        areas=[wards["Harbour"]],
        topics=[transport],
        owning_team="Highways",
    )
    engagement_change_status(actor=officer, engagement=roads, status="open")

    recycling = _create(
        officer,
        organisation,
        title_en="Changes to recycling collections",
        title_cy="Newidiadau i gasgliadau ailgylchu",
        summary_en="Should glass be collected every two weeks instead of every four?",
        summary_cy="A ddylid casglu gwydr bob pythefnos yn lle bob pedair wythnos?",
        purpose_en="The collection frequency for glass from April.",
        purpose_cy="Pa mor aml y caiff gwydr ei gasglu o fis Ebrill.",
        level=ParticipationLevel.CONSULT,
        areas=list(wards.values()),
        topics=[waste],
        owning_team="Waste Services",
    )
    engagement_change_status(actor=officer, engagement=recycling, status="open")
    engagement_change_status(actor=officer, engagement=recycling, status="closed")

    # A history for the two closed engagements: the services stamp "now" and
    # refuse to open an engagement whose closing date has passed, so they were
    # run without dates and their past is written here.
    weeks = organisation.response_due_weeks
    Engagement.objects.filter(pk=shelters.pk).update(
        opens_at=now - timedelta(days=150),
        published_at=now - timedelta(days=150),
        closes_at=now - timedelta(days=60),
        closed_at=now - timedelta(days=60),
        response_due_on=(now - timedelta(days=60) + timedelta(weeks=weeks)).date(),
        responded_at=now - timedelta(days=23),
    )
    shelters_response = shelters.response
    type(shelters_response).objects.filter(pk=shelters_response.pk).update(
        published_at=now - timedelta(days=23)
    )
    Engagement.objects.filter(pk=recycling.pk).update(
        opens_at=now - timedelta(days=160),
        published_at=now - timedelta(days=160),
        closes_at=now - timedelta(days=100),
        closed_at=now - timedelta(days=100),
        response_due_on=(now - timedelta(days=100) + timedelta(weeks=weeks)).date(),
    )
