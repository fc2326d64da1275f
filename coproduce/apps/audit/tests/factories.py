"""Audit events as services write them, with hostile object names."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from coproduce.apps.accounts.tests.factories import UserFactory
from coproduce.apps.audit.models import AuditEvent
from coproduce.apps.organisations.tests.factories import OrganisationFactory
from coproduce.testing.text import hostile_strings

_NAMES = hostile_strings(max_length=300)


class AuditEventFactory(DjangoModelFactory):
    class Meta:
        model = AuditEvent

    organisation = factory.SubFactory(OrganisationFactory)
    actor = factory.SubFactory(UserFactory)
    actor_repr = factory.LazyAttribute(
        lambda event: event.actor.email if event.actor is not None else ""
    )
    action = "area.update"
    target_type = "organisations.area"
    target_id = factory.Sequence(str)
    target_repr = factory.Iterator(_NAMES)
    changes = factory.LazyAttribute(
        lambda event: {"name_en": {"before": event.target_repr, "after": "Ŵyn"}}
    )
