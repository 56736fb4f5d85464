"""Small steps that many test modules take: index now, a space's root folder, a person speaking
a language, an upload as the page or the API makes it, the check that nothing is left over, a
browser of one's own, and a page's text as a reader reads it."""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from django.test import Client
from django.urls import reverse

from documents import actions as document_actions
from documents import selectors as document_selectors
from documents import storage
from documents.models import DocumentVersion, Folder, Space
from intranet.search import indexer
from tests.factories import make_incoming


def index_now() -> None:
    """What the search worker does: apply every pending change to the index."""
    while indexer.apply_pending():
        pass


def root_of(slug: str) -> Folder:
    return document_selectors.root_folder(Space.objects.get(slug=slug))


def speaking(person, language):
    person.language = language
    person.save(update_fields=["language"])
    return person


def upload(actor, folder, name="note.txt", data=b"Ordre du jour\n", **kwargs):
    """An upload through the action: the document and its version."""
    document, version, _created = document_actions.upload_document(
        actor, folder=folder, incoming=make_incoming(name, data), **kwargs
    )
    return document, version


def raw_upload(client, folder, name: str, data: bytes):
    """An upload as the page's script sends it: the file as the body, its name in a header."""
    return client.post(
        reverse("documents:folder_upload", args=[folder.pk]),
        data=data,
        content_type="application/octet-stream",
        headers={"X-File-Name": quote(name)},
    )


def assert_nothing_left():
    """No row without its file, no file without its row, nothing in the incoming folder."""
    rows = set(DocumentVersion.objects.values_list("stored_name", flat=True))
    assert storage.stored_files() == rows
    assert not list(storage.incoming_dir().iterdir())


def recount_navigation(user) -> None:
    """The navigation's counts are recounted at the first page after a change (``intranet.counters``):
    done here, so that a page's query budget measures the page itself."""
    from intranet import counters

    counters.counts_for(user)


def signed_in(user) -> Client:
    """A browser of its own (its own session), signed in: several people act in one test."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def text_of(response) -> str:
    """The page's text as read: entities decoded, runs of spaces and line breaks as one space."""
    return html.unescape(re.sub(r"[ \t\r\n]+", " ", response.content.decode()))
