"""Numbers under concurrency: many first votes at once get dense, unique numbers.

Real threads with their own database connections. On SQLite the write lock
serialises them (a writer that waits too long gets "database is locked", which
the test retries like a resident pressing the button again); on PostgreSQL the
UPDATE … SET n = n + 1 row lock does.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import OperationalError, connection

from coproduce.apps.conversations import services
from coproduce.apps.conversations.models import Conversation, Participant
from coproduce.apps.conversations.selectors import Visitor
from coproduce.apps.conversations.tests.factories import (
    ConversationFactory,
    StatementFactory,
)

N_THREADS = 8


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_votes_get_dense_unique_numbers() -> None:
    conversation = ConversationFactory()
    statement = StatementFactory(conversation=conversation)
    errors: list[BaseException] = []

    def vote(n: int) -> None:
        last: BaseException | None = None
        try:
            for _attempt in range(200):
                try:
                    services.vote_cast(
                        conversation=Conversation.objects.get(pk=conversation.pk),
                        visitor=Visitor(
                            user=AnonymousUser(),
                            anonymous_token=f"thread-{n}",
                            client_ip=f"192.0.2.{n}",
                        ),
                        statement_number=statement.number,
                        value=1,
                    )
                    return
                except OperationalError as exc:
                    last = exc
                    time.sleep(0.01 * (1 + n % 3))
                    continue
            errors.append(last)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=vote, args=(n,)) for n in range(N_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = sorted(
        Participant.objects.filter(conversation=conversation).values_list(
            "number", flat=True
        )
    )
    assert numbers == list(range(N_THREADS + 1))  # + the statement's author
