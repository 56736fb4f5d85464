"""Helpers shared by the archive's tests: the archivist, the signed agreement an intake waits for."""

from __future__ import annotations

from documents.uploads import IncomingFile
from tests.factories import make_staff
from workflows.archives import actions, files
from workflows.archives.models import Fonds


def sign_agreement(actor, fonds: Fonds) -> Fonds:
    """Keep a signed copy of the agreement with ``fonds``, as the archivist uploads it; the fonds
    as it is now (its revision moved)."""
    signed = IncomingFile.from_bytes("convention-signee.pdf", b"%PDF-1.4\n%signed\n")
    files.attach_signed_agreement(actor, fonds=fonds, incoming=signed)
    return Fonds.objects.get(pk=fonds.pk)


def shelved(fonds: Fonds, location: str = "Magasin 1") -> list[actions.Placement]:
    """A storage location for each retained item of ``fonds``, which the intake wants."""
    return [actions.Placement(pk, location) for pk in fonds.items.filter(retained=True).values_list("pk", flat=True)]


def make_archivist():
    """The staff member the archive's tests assign to a fonds (the ``archivist`` fixture)."""
    return make_staff(email="archiviste@example.org", first_name="Armelle", last_name="Archive")
