"""A demo conversation with planted opinion groups (architecture §6).

"Riverside Park: what matters most?" is attached to the open Riverside Park
engagement: 24 bilingual seed statements and about 400 fictional residents
whose votes come from the opinion map's own synthetic generator (three planted
groups with Polis-like missingness), spread over the last three weeks. The map
is then computed on the spot, so the pages have something to show without a
worker. Deterministic: the same seed gives the same votes and the same map.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from coproduce.analytics.opinion_map.synthetic import generate_conversation
from coproduce.apps.accounts.models import User
from coproduce.apps.conversations.models import (
    Conversation,
    OpinionMapRun,
    Participant,
    Statement,
    Vote,
    VoteEvent,
)
from coproduce.apps.conversations.services.conversations import (
    conversation_create,
    conversation_open,
)
from coproduce.apps.conversations.services.recompute import (
    recompute_request,
    recompute_run_execute,
)
from coproduce.apps.conversations.services.statements import statements_seed
from coproduce.apps.engagements.models import Engagement

# (English, Welsh): short, one idea each, as Polis advises seed statements.
DEMO_STATEMENTS = (
    ("The park needs more benches along the river path.",
     "Mae angen mwy o feinciau ar hyd llwybr yr afon yn y parc."),
    ("Dogs should be kept on leads near the play area.",
     "Dylid cadw cŵn ar dennyn ger yr ardal chwarae."),
    ("The café should stay open into the evening in summer.",
     "Dylai’r caffi aros ar agor gyda’r nos yn yr haf."),
    ("Part of the big field should be left to grow wild for nature.",
     "Dylid gadael rhan o’r cae mawr i dyfu’n wyllt er mwyn natur."),
    ("The park needs better lighting after dark.",
     "Mae angen gwell goleuadau yn y parc ar ôl iddi dywyllu."),
    ("Music events in the park are too loud for neighbours.",
     "Mae digwyddiadau cerddoriaeth yn y parc yn rhy swnllyd i’r cymdogion."),
    ("We should have more events like the summer fair.",
     "Dylem gael mwy o ddigwyddiadau fel y ffair haf."),
    ("A new outdoor gym would get more people active.",
     "Byddai campfa awyr agored newydd yn annog mwy o bobl i fod yn egnïol."),
    ("The toilets should be open every day.",
     "Dylai’r toiledau fod ar agor bob dydd."),
    ("Parking at the park entrance should be free.",
     "Dylai parcio wrth fynedfa’r parc fod am ddim."),
    ("Cycling should be allowed on all paths.",
     "Dylid caniatáu beicio ar bob llwybr."),
    ("The money is better spent on the play area than anything else.",
     "Mae’n well gwario’r arian ar yr ardal chwarae nag ar ddim byd arall."),
    ("More bins would stop the litter problem.",
     "Byddai mwy o finiau yn datrys y broblem sbwriel."),
    ("Volunteers could look after the flower beds.",
     "Gallai gwirfoddolwyr ofalu am y gwelyau blodau."),
    ("The park feels unsafe in the evening.",
     "Mae’r parc yn teimlo’n anniogel gyda’r nos."),
    ("A wardens’ patrol would help more than cameras.",
     "Byddai patrôl wardeiniaid yn helpu mwy na chamerâu."),
    ("Signs in the park should be in Welsh and English.",
     "Dylai arwyddion yn y parc fod yn Gymraeg ac yn Saesneg."),
    ("The riverbank needs work to stop flooding on the path.",
     "Mae angen gwaith ar lan yr afon i atal llifogydd ar y llwybr."),
    ("Young people need a space of their own in the park.",
     "Mae angen lle eu hunain yn y parc ar bobl ifanc."),
    ("Barbecues should be banned.",
     "Dylid gwahardd barbeciws."),
    ("The tennis courts should be free to use.",
     "Dylai’r cyrtiau tennis fod am ddim i’w defnyddio."),
    ("Trees should be planted along the main road side.",
     "Dylid plannu coed ar hyd ochr y brif ffordd."),
    ("Paths should be wide and level enough for wheelchairs and buggies.",
     "Dylai’r llwybrau fod yn ddigon llydan a gwastad i gadeiriau olwyn a bygis."),
    ("The council should ask residents before cutting down any tree.",
     "Dylai’r cyngor ofyn i drigolion cyn torri unrhyw goeden."),
)  # fmt: skip
N_RESIDENTS = 400
MEDIAN_VOTES = 14
DAYS_OPEN = 21


def demo_conversation_build(
    *, engagement: Engagement, officer: User, seed: int, now: datetime
) -> Conversation:
    """Create, seed and open the demo conversation, add its votes, compute its map."""
    conversation = conversation_create(
        actor=officer,
        engagement=engagement,
        topic_en="Riverside Park: what matters most?",
        topic_cy="Parc Glan-yr-Afon: beth sydd bwysicaf?",
        description_en=(
            "Vote on each statement: agree, disagree or pass. Add your own if we "
            "have missed something. We will publish what we heard and what we did."
        ),
        description_cy=(
            "Pleidleisiwch ar bob datganiad: cytuno, anghytuno neu basio. "
            "Ychwanegwch eich un chi os ydym wedi methu rhywbeth. Byddwn yn "
            "cyhoeddi’r hyn a glywsom a’r hyn a wnaethom."
        ),
        moderation=Conversation.Moderation.STRICT,
        results_published=True,
    )
    statements = statements_seed(
        actor=officer,
        conversation=conversation,
        statements_en="\n".join(english for english, _ in DEMO_STATEMENTS),
        statements_cy="\n".join(welsh for _, welsh in DEMO_STATEMENTS),
    )
    conversation = conversation_open(actor=officer, conversation=conversation)
    _votes_create(conversation, statements, seed=seed, now=now)
    # Compute the map now, so the demo shows one without a task worker; the
    # task enqueued after commit then finds the run done and does nothing.
    recompute_request(conversation=conversation)  # or the seeds' queued run
    queued = conversation.opinion_map_runs.get(status=OpinionMapRun.Status.QUEUED)
    recompute_run_execute(run_id=queued.pk)
    return conversation


@transaction.atomic
def _votes_create(
    conversation: Conversation, statements: list[Statement], *, seed: int, now: datetime
) -> None:
    """Synthetic residents' votes, written in bulk (a seed script, not a request).

    The generator's own statement authors are ignored: every statement here is
    the organiser's seed, so only the planted groups and missingness are used.
    """
    synthetic = generate_conversation(
        n_participants=N_RESIDENTS,
        n_statements=len(statements),
        median_votes=MEDIAN_VOTES,
        rejected_share=0.0,
        meta_share=0.0,
        random_state=seed,
    )
    votes = synthetic.votes
    opened = now - timedelta(days=DAYS_OPEN)
    span = float(votes.cast_at.max()) or 1.0
    scale = DAYS_OPEN * 86_400 * 0.95 / span
    when = [opened + timedelta(seconds=float(t) * scale) for t in votes.cast_at]

    numbers = sorted(set(votes.participant_ids.tolist()))
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    first = conversation.next_participant_number
    participants = Participant.objects.bulk_create(
        Participant(conversation=conversation, number=first + index)
        for index in range(len(numbers))
    )
    Conversation.objects.filter(pk=conversation.pk).update(
        next_participant_number=first + len(numbers)
    )
    by_synthetic = dict(zip(numbers, participants, strict=True))
    events = [
        VoteEvent(
            conversation=conversation,
            participant=by_synthetic[int(p)],
            statement=statements[int(s)],
            value=int(v),
            cast_at=cast_at,
        )
        for p, s, v, cast_at in zip(
            votes.participant_ids, votes.statement_ids, votes.values, when, strict=True
        )
    ]
    VoteEvent.objects.bulk_create(events, batch_size=500)
    latest: dict[tuple[int, int], VoteEvent] = {}
    for event in events:  # in time order: the latest vote per pair wins
        latest[(event.participant.number, event.statement.number)] = event
    Vote.objects.bulk_create(
        (
            Vote(
                conversation=conversation,
                participant=event.participant,
                statement=event.statement,
                value=event.value,
                cast_at=event.cast_at,
            )
            for event in latest.values()
        ),
        batch_size=500,
    )
    first_votes: dict[int, datetime] = {}
    for event in events:
        first_votes.setdefault(event.participant.pk, event.cast_at)
    for participant in participants:
        participant.first_vote_at = first_votes.get(participant.pk)
    Participant.objects.bulk_update(participants, ["first_vote_at"], batch_size=500)
