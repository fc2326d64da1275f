"""Polis import pages and export downloads: form errors by field, the result
page with its problems and licence, and the zip download."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from coproduce.apps.accounts.models import User
from coproduce.apps.conversations.models import ConversationImport
from coproduce.apps.conversations.services.polis_import import (
    DEFAULT_CHANGES_STATEMENT,
)
from coproduce.apps.conversations.tests.factories import (
    ConversationFactory,
    StatementFactory,
)
from coproduce.apps.conversations.tests.polis_files import export_zip
from coproduce.apps.engagements.tests.factories import EngagementFactory
from coproduce.apps.organisations.models import Organisation

pytestmark = pytest.mark.django_db

ATTRIBUTION = "Data: The Computational Democracy Project <b>CC BY</b>"


def _url(organisation: Organisation) -> str:
    return reverse(
        "conversations:polis-import-create", kwargs={"org_slug": organisation.slug}
    )


def _post(client: Client, organisation: Organisation, capture: Any, **data: Any) -> Any:
    fields = {
        "polarity": "open-data",
        "licence": "CC BY 4.0",
        "attribution": ATTRIBUTION,
        "changes_statement": DEFAULT_CHANGES_STATEMENT,
        "source_url": "https://github.com/compdemocracy/openData",
        "engagement": "",
        **data,
    }
    with capture(execute=True):
        return client.post(_url(organisation), fields)


def test_the_import_page_offers_the_cc_by_defaults(
    organisation: Organisation, analyst: User, client_for: Callable[..., Client]
) -> None:
    response = client_for(analyst).get(_url(organisation))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="CC BY 4.0"' in page
    assert "Imported into Coproduce; groups recomputed" in page
    assert 'type="file"' in page
    assert "multiple" in page


def test_the_form_names_each_field_to_fix_and_saves_nothing(
    organisation: Organisation,
    officer: User,
    client_for: Callable[..., Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    response = _post(
        client_for(officer),
        organisation,
        django_capture_on_commit_callbacks,
        attribution="",
        source_url="not a web address",
        polarity="sideways",
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Select a zip file or the CSV files of a Polis export." in page
    assert "Enter the attribution statement" in page
    assert "Enter a web address" in page
    assert 'href="#id_polarity_0"' in page
    assert not ConversationImport.objects.exists()


def test_a_wrong_kind_of_file_is_a_field_error(
    organisation: Organisation,
    officer: User,
    client_for: Callable[..., Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    response = _post(
        client_for(officer),
        organisation,
        django_capture_on_commit_callbacks,
        export_files=SimpleUploadedFile("answers.xlsx", b"PK"),
    )

    assert response.status_code == 200
    assert "answers.xlsx is not a zip or CSV file" in response.content.decode()
    assert not ConversationImport.objects.exists()


def test_an_upload_is_imported_and_the_result_page_shows_counts_and_licence(
    organisation: Organisation,
    officer: User,
    client_for: Callable[..., Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_for(officer)
    engagement = EngagementFactory(organisation=organisation)
    response = _post(
        client,
        organisation,
        django_capture_on_commit_callbacks,
        export_files=SimpleUploadedFile("export.zip", export_zip(votes=None)),
        engagement=str(engagement.pk),
    )

    done = ConversationImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse(
        "conversations:polis-import-detail",
        kwargs={"org_slug": organisation.slug, "pk": done.pk},
    )
    assert done.status == ConversationImport.Status.SUCCEEDED
    assert done.conversation is not None
    assert done.conversation.engagement == engagement
    page = client.get(response.url).content.decode()
    assert "Imported" in page
    assert "Data: The Computational Democracy Project &lt;b&gt;CC BY&lt;/b&gt;" in page
    assert "https://github.com/compdemocracy/openData" in page
    assert DEFAULT_CHANGES_STATEMENT.replace("'", "&#x27;") in page
    # The warning that votes came from participants-votes.csv only.
    assert "participants-votes.csv" in page
    assert done.conversation.get_absolute_url() in page


def test_the_result_page_lists_each_problem_with_file_row_and_column(
    organisation: Organisation,
    officer: User,
    client_for: Callable[..., Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_for(officer)
    bad_votes = "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,7\n1,x,0,1,9\n"
    _post(
        client,
        organisation,
        django_capture_on_commit_callbacks,
        export_files=SimpleUploadedFile("export.zip", export_zip(votes=bad_votes)),
    )
    done = ConversationImport.objects.get()
    url = reverse(
        "conversations:polis-import-detail",
        kwargs={"org_slug": organisation.slug, "pk": done.pk},
    )

    page = client.get(url).content.decode()
    assert done.status == ConversationImport.Status.FAILED
    assert "Nothing was imported" in page
    assert "votes.csv" in page
    assert '<td class="govuk-table__cell">2</td>' in page
    assert '<td class="govuk-table__cell">3</td>' in page
    assert "vote" in page
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="polis-import-status"')
    assert "<html" not in fragment


def test_a_running_import_polls_for_its_status(
    organisation: Organisation, officer: User, client_for: Callable[..., Client]
) -> None:
    queued = ConversationImport.objects.create(
        organisation=organisation, licence="CC BY 4.0", original_filename="a.zip"
    )
    url = reverse(
        "conversations:polis-import-detail",
        kwargs={"org_slug": organisation.slug, "pk": queued.pk},
    )

    page = client_for(officer).get(url).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert "Waiting to start" in page


def _zip_names(content: bytes) -> set[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return set(archive.namelist())


def test_staff_download_a_zip_of_the_five_files_and_a_readme(
    organisation: Organisation, elected_member: User, client_for: Callable[..., Client]
) -> None:
    conversation = ConversationFactory(
        engagement=EngagementFactory(organisation=organisation)
    )
    StatementFactory(conversation=conversation)
    url = reverse(
        "conversations:polis-export",
        kwargs={"org_slug": organisation.slug, "pk": conversation.pk},
    )

    response = client_for(elected_member).get(url, {"layout": "classic"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        f'attachment; filename="conversation-{conversation.pk}-polis-export.zip"'
    )
    assert _zip_names(response.content) == {
        "comments.csv",
        "votes.csv",
        "participants-votes.csv",
        "summary.csv",
        "stats-history.csv",
        "README.txt",
    }
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        header = archive.read("comments.csv").decode().splitlines()[0]
    assert header.startswith("timestamp,datetime,")


def test_the_public_download_exists_only_for_published_results(
    organisation: Organisation, client_for: Callable[..., Client]
) -> None:
    engagement = EngagementFactory(organisation=organisation)
    published = ConversationFactory(engagement=engagement, results_published=True)
    hidden = ConversationFactory(engagement=engagement)
    client = client_for(None)

    def get(pk: int) -> Any:
        return client.get(
            reverse("conversations:polis-export-public", kwargs={"pk": pk})
        )

    assert get(published.pk)["Content-Type"] == "application/zip"
    assert get(hidden.pk).status_code == 404


def test_the_conversation_list_links_to_the_import_for_those_who_may_import(
    organisation: Organisation,
    analyst: User,
    elected_member: User,
    client_for: Callable[..., Client],
) -> None:
    url = reverse(
        "conversations:conversation-list", kwargs={"org_slug": organisation.slug}
    )
    link = _url(organisation)

    assert link in client_for(analyst).get(url).content.decode()
    assert link not in client_for(elected_member).get(url).content.decode()


def test_the_import_page_is_in_welsh_at_its_welsh_address(
    organisation: Organisation, officer: User, client_for: Callable[..., Client]
) -> None:
    with translation.override("cy"):
        url = _url(organisation)
    assert url.startswith("/cy/")

    page = client_for(officer).get(url).content.decode()

    assert "Mewnforio sgwrs o Polis" in page
    assert "Pegynedd y pleidleisiau" in page
