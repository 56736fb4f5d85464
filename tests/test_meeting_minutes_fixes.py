"""The first save of a meeting's minutes from a stale page: refused like any later one, the typed
text kept in the form, the other officer's text kept as saved."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import make_held_meeting
from tests.helpers import signed_in, text_of
from workflows.meetings.models import Minutes, MinutesDraft

pytestmark = pytest.mark.django_db


def _minutes_form_as_posted(page: str, text: str) -> dict[str, str]:
    """What the browser posts from the page's minutes form: the typed text and its hidden revision."""
    form = re.search(r'<form method="post" action="[^"]*/proces-verbal/brouillon/">.*?</form>', page, re.S).group(0)
    hidden = re.search(r'<input type="hidden" name="revision"(?: value="(\d*)")?', form)
    return {"text": text, "revision": hidden.group(1) or ""}


def test_the_first_save_from_a_page_opened_before_the_presidents_save_is_refused_and_keeps_the_text(cast):
    held = make_held_meeting(cast.secretary, present=[cast.president])
    page_url = reverse("meetings:detail", args=[held.pk])
    secretary, president = signed_in(cast.secretary), signed_in(cast.president)
    secretary_page = secretary.get(page_url).content.decode()
    president_page = president.get(page_url).content.decode()
    save = reverse("meetings:minutes_save", args=[held.pk])

    saved = president.post(save, _minutes_form_as_posted(president_page, "# Présences\n\nLe texte de la présidente."))
    assert saved.status_code == 302

    stale = secretary.post(save, _minutes_form_as_posted(secretary_page, "# Présences\n\nLe texte du secrétaire."))
    assert stale.status_code == 409
    shown = text_of(stale)
    assert "Le procès-verbal a été enregistré à nouveau depuis l'ouverture de cette page" in shown
    assert "Le texte du secrétaire." in shown  # still in the form, to copy or compare
    written = Minutes.objects.get(meeting=held)
    assert written.text == "# Présences\n\nLe texte de la présidente." and written.revision == 1
    # Nothing lost: the refused text is in the history too.
    kept = set(MinutesDraft.objects.filter(minutes=written).values_list("text", flat=True))
    assert kept == {"# Présences\n\nLe texte de la présidente.", "# Présences\n\nLe texte du secrétaire."}


def test_the_first_save_from_a_fresh_page_is_accepted(cast):
    held = make_held_meeting(cast.secretary, present=[cast.president])
    secretary = signed_in(cast.secretary)
    page = secretary.get(reverse("meetings:detail", args=[held.pk])).content.decode()
    save = reverse("meetings:minutes_save", args=[held.pk])
    assert secretary.post(save, _minutes_form_as_posted(page, "Premier jet")).status_code == 302
    assert Minutes.objects.get(meeting=held).text == "Premier jet"
