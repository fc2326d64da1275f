"""Topics residents filter engagements by, managed by officers per organisation."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coproduce.apps.accounts.models import User
from coproduce.apps.audit.services import audit_diff, audit_event_create, audit_snapshot
from coproduce.apps.engagements.errors import TopicError
from coproduce.apps.engagements.models import Topic
from coproduce.apps.engagements.permissions import can_manage_engagements
from coproduce.apps.organisations.models import Organisation

_TOPIC_FIELDS = ["name_en", "name_cy", "slug"]


def _check_name_is_free(
    *, organisation: Organisation, name_en: str, topic_pk: int | None
) -> None:
    clash = Topic.objects.filter(organisation=organisation, name_en__iexact=name_en)
    if topic_pk is not None:
        clash = clash.exclude(pk=topic_pk)
    if clash.exists():
        raise TopicError(
            _("There is already a topic called %(name)s.") % {"name": name_en},
            field="name_en",
        )


def _unique_slug(*, organisation: Organisation, name: str) -> str:
    base = slugify(name)[:50].strip("-") or "topic"
    taken = set(
        Topic.objects.filter(
            organisation=organisation, slug__startswith=base
        ).values_list("slug", flat=True)
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def topic_create(
    *, actor: User, organisation: Organisation, name_en: str, name_cy: str = ""
) -> Topic:
    """Add a topic. Raises PermissionDenied, TopicError (name taken) or
    ValidationError."""
    if not can_manage_engagements(actor, organisation):
        raise PermissionDenied
    name_en = name_en.strip()
    _check_name_is_free(organisation=organisation, name_en=name_en, topic_pk=None)
    topic = Topic(
        organisation=organisation,
        name_en=name_en,
        name_cy=name_cy.strip(),
        slug=_unique_slug(organisation=organisation, name=name_en),
    )
    topic.full_clean()
    topic.save()
    audit_event_create(
        actor=actor,
        action="topic.create",
        target=topic,
        changes=audit_snapshot(topic, _TOPIC_FIELDS),
    )
    return topic


@transaction.atomic
def topic_update(
    *, actor: User, topic: Topic, name_en: str, name_cy: str = ""
) -> Topic:
    """Rename a topic; its web address stays. Raises PermissionDenied, TopicError
    or ValidationError."""
    if not can_manage_engagements(actor, topic.organisation):
        raise PermissionDenied
    topic = (
        Topic.objects.select_for_update()
        .select_related("organisation")
        .get(pk=topic.pk)
    )
    name_en = name_en.strip()
    _check_name_is_free(
        organisation=topic.organisation, name_en=name_en, topic_pk=topic.pk
    )
    before = audit_snapshot(topic, _TOPIC_FIELDS)
    topic.name_en = name_en
    topic.name_cy = name_cy.strip()
    topic.full_clean()
    topic.save(update_fields=["name_en", "name_cy"])
    audit_event_create(
        actor=actor,
        action="topic.update",
        target=topic,
        changes=audit_diff(before, audit_snapshot(topic, _TOPIC_FIELDS)),
    )
    return topic


@transaction.atomic
def topic_delete(*, actor: User, topic: Topic) -> None:
    """Delete a topic; engagements tagged with it lose the tag. Raises
    PermissionDenied."""
    if not can_manage_engagements(actor, topic.organisation):
        raise PermissionDenied
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    audit_event_create(
        actor=actor,
        action="topic.delete",
        target=topic,
        changes=audit_snapshot(topic, _TOPIC_FIELDS),
    )
    topic.delete()
