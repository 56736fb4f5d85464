"""Words and numbers in both languages: plural forms, amounts, dates, French typography, the
process diagram's labels, the search help's example handle, the favicon."""

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template import Context, Template
from django.urls import reverse
from django.utils import formats, timezone, translation

from intranet.models import HANDLE_PATTERN, College
from tests.factories import make_proposal
from tests.helpers import speaking
from workflows import actions
from workflows.models import Decision
from workflows.proposals.diagram import CHAR_WIDTH, diagram_for
from workflows.selectors import proposal_tasks

CATALOGUE = Path(settings.BASE_DIR) / "intranet" / "locale" / "fr" / "LC_MESSAGES" / "django.po"


@pytest.fixture
def decision_with_one_abstention(cast):
    proposal = make_proposal(cast.production_member)
    vote = actions.open_board_vote(cast.secretary, proposal=proposal, deadline=timezone.now() + timedelta(days=7))
    for person, choice in [(cast.board_member, "for"), (cast.president, "for"), (cast.secretary, "abstain")]:
        actions.cast_ballot(person, vote=vote, choice=choice)
    return Decision.objects.get()


@pytest.mark.parametrize(
    ("language", "expected"), [("fr", "2 pour, 0 contre, 1 abstention"), ("en", "2 for, 0 against, 1 abstention")]
)
def test_one_abstention_is_written_in_the_singular(cast, login, decision_with_one_abstention, language, expected):
    client = login(speaking(cast.board_member, language))
    decision = decision_with_one_abstention
    for url in (
        reverse("workflows:decision", args=[decision.number]),
        reverse("proposals:detail", args=[decision.proposal_id]),
    ):
        page = client.get(url).content.decode()
        assert expected in page
        assert "1 abstentions" not in page


@pytest.mark.parametrize(("language", "expected"), [("fr", "1\xa0500,00\xa0€"), ("en", "€1,500.00")])
def test_a_budget_is_shown_with_grouped_thousands(cast, login, language, expected):
    proposal = actions.create_proposal(
        cast.production_member,
        college=College.objects.get(slug="production"),
        title="Ciné-concerts",
        summary="Trois soirées.",
        body="Le détail.",
        budget=Decimal("1500"),
    )
    page = login(speaking(cast.production_member, language)).get(reverse("proposals:detail", args=[proposal.pk]))
    assert expected in page.content.decode()


@pytest.mark.parametrize(
    ("language", "date", "date_time"),
    [("fr", "3 décembre 2026", "3 décembre 2026 à 14:34"), ("en", "3 December 2026", "3 December 2026, 14:34")],
)
def test_one_date_format_and_one_date_time_format_per_language(language, date, date_time):
    moment = timezone.make_aware(timezone.datetime(2026, 12, 3, 14, 34))
    with translation.override(language):
        assert formats.get_format("SHORT_DATE_FORMAT") == formats.get_format("DATE_FORMAT")
        assert formats.get_format("SHORT_DATETIME_FORMAT") == formats.get_format("DATETIME_FORMAT")
        for name in ("DATE_FORMAT", "SHORT_DATE_FORMAT"):
            assert formats.date_format(moment, name) == date
        for name in ("DATETIME_FORMAT", "SHORT_DATETIME_FORMAT"):
            assert formats.date_format(timezone.localtime(moment), name) == date_time
        rendered = Template("{{ moment }}").render(Context({"moment": timezone.localtime(moment)}))
        assert rendered == date_time


def test_templates_name_the_formats_instead_of_spelling_dates_out():
    spelled = []
    for template in (Path(settings.BASE_DIR) / "templates").rglob("*.*"):
        for match in re.finditer(r"\|(?:date|time):[\"']([^\"']+)[\"']", template.read_text()):
            if match.group(1) not in {
                "DATE_FORMAT",
                "DATETIME_FORMAT",
                "SHORT_DATE_FORMAT",
                "SHORT_DATETIME_FORMAT",
                "c",
            }:
                spelled.append((template.name, match.group(1)))
    assert spelled == []


def test_french_translations_put_a_non_breaking_space_before_high_punctuation():
    """« quotidien : » — French puts a (non-breaking) space before : ; ? ! and inside « »."""
    wrong = []
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.obsolete or not entry.msgid:
            continue
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            text = re.sub(r"<code>.*?</code>|https?://\S+|\[\[doc:[^\]]*\]\]|\bdoc:", "", text)
            if re.search(r"(?<![\u00a0\u202f])[:;?!](?=\s|$)|«(?![\u00a0\u202f])|(?<![\u00a0\u202f])»", text):
                wrong.append(text)
    assert wrong == []


@pytest.mark.django_db
def test_the_unsubscribe_line_of_an_email_follows_french_typography():
    with translation.override("fr"):
        text = Template("{% include 'notifications/email/notifications.txt' %}").render(
            Context({"items": [], "stop_label": "Ne plus recevoir le résumé quotidien", "unsubscribe_url": "http://x/"})
        )
    assert "quotidien\xa0: http://x/" in text


def test_the_first_label_of_the_process_diagram_is_not_cut(cast):
    proposal = make_proposal(cast.production_member, stage="draft")
    for language in ("fr", "en"):
        with translation.override(language):
            diagram = diagram_for(proposal_tasks(proposal))
        for step in diagram.steps:
            for text, x, _y in step.lines:
                left, right = step.x + x - len(text) * CHAR_WIDTH / 2, step.x + x + len(text) * CHAR_WIDTH / 2
                assert left >= 0 and right <= diagram.width, (language, text, left, right, diagram.width)
        with translation.override("fr"):
            assert diagram_for(proposal_tasks(proposal)).steps[0].title == "Brouillon créé"


def test_the_search_help_gives_a_handle_as_members_have_them(cast, login):
    page = login(cast.production_member).get(reverse("search"), {"q": "festival"}).content.decode()
    examples = re.findall(r"par exemple @([\w.-]+?)\.?<", page)
    assert examples == ["camille.martin"]
    assert re.fullmatch(HANDLE_PATTERN, examples[0])


def test_every_page_has_a_favicon_the_csp_allows(cast, login):
    response = login(cast.production_member).get(reverse("home"))
    favicon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', response.content.decode())
    assert favicon and favicon.group(1) == settings.STATIC_URL + "intranet/favicon.svg"
    assert finders.find("intranet/favicon.svg")
    assert "img-src 'self'" in response["Content-Security-Policy"]
