"""Small things members and the accessibility scan met on the pages (issue 16, items 8 and 9):
the trash only for those who may restore, the staff dashboard saying what changed, the chart's
totals readable, a jump to the reply box, scrolling tables reachable by keyboard, and the
header's focus ring visible against the dark header."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from documents import actions as document_actions
from documents import selectors as document_selectors
from documents.models import Space
from forums import actions as forum_actions
from forums.models import Forum
from intranet.charts import territory_college_chart
from intranet.models import College, Territory
from tests.factories import make_incoming

SITE_CSS = Path(settings.BASE_DIR) / "intranet" / "static" / "intranet" / "css" / "site.css"


@pytest.fixture
def production_root(db):
    return document_selectors.root_folder(Space.objects.get(slug="college-production"))


def test_a_member_who_may_restore_nothing_sees_no_trash_button_and_is_refused_the_trash(cast, login, production_root):
    trash_url = reverse("documents:trash", args=["college-production"])
    folder_url = reverse("documents:folder", args=[production_root.pk])
    member = login(cast.production_member)  # uploads in Production, manages nothing there
    assert trash_url not in member.get(folder_url).content.decode()
    assert member.get(trash_url).status_code == 403


def test_the_coordinator_and_staff_who_may_restore_see_the_trash(cast, login, production_root):
    trash_url = reverse("documents:trash", args=["college-production"])
    folder_url = reverse("documents:folder", args=[production_root.pk])
    for person in (cast.coordinator, cast.staff):
        client = login(person)
        assert trash_url in client.get(folder_url).content.decode()
        assert client.get(trash_url).status_code == 200


def test_a_member_who_manages_only_a_subfolder_finds_the_trash_of_their_space(cast, login, production_root):
    subfolder = document_actions.create_folder(cast.coordinator, parent=production_root, name="Tournages")
    document_actions.grant_folder_access(cast.staff, folder=subfolder, level=3, user=cast.production_member)
    document, _version, _created = document_actions.upload_document(
        cast.production_member, folder=subfolder, incoming=make_incoming("planning.txt", b"Planning")
    )
    document_actions.trash_document(cast.production_member, document=document)
    page = login(cast.production_member).get(reverse("documents:trash", args=["college-production"]))
    assert page.status_code == 200 and "planning.txt" in page.content.decode()


def test_the_staff_dashboard_says_what_each_latest_change_was(cast, login):
    page = login(cast.staff).get(reverse("staff_dashboard")).content.decode()
    # The cast was put in its collèges by staff: the audit log's label for it, in words.
    assert "Ajout à un collège" in page


def test_chart_totals_are_written_after_their_bar_in_the_page_s_ink(cast, login):
    territories = list(Territory.objects.order_by("code")[:2])
    colleges = list(College.objects.order_by("pk"))
    counts = {(territories[0].pk, colleges[1].pk): 3, (territories[0].pk, colleges[0].pk): 1}
    chart = territory_college_chart(territories, colleges, counts)
    row = chart.rows[0]
    bar_end = max(segment.x + segment.width for segment in row.segments)
    assert row.total_x >= bar_end  # on the page's background, not on a coloured segment
    assert row.total_x + 20 <= chart.width
    page = login(cast.outsider).get(reverse("directory")).content.decode()
    totals = re.findall(r'<text [^>]*aria-hidden="true"[^>]*>', page)
    assert totals and all('fill="#1c1d21"' in text for text in totals)


def test_the_thread_page_offers_a_jump_to_the_reply_box_before_the_messages(cast, login):
    thread = forum_actions.start_thread(
        cast.production_member, forum=Forum.objects.get(slug="production"), title="Tournée", body="Bonjour"
    )
    page = login(cast.coordinator).get(reverse("forums:thread", args=[thread.pk])).content.decode()
    jump = re.search(r'<a [^>]*href="#reply"[^>]*>Répondre</a>', page)
    assert jump is not None
    assert jump.start() < page.index("data-posts") < page.index('id="reply"')


@pytest.mark.parametrize(
    "url_name, args",
    [
        ("staff_audit_log", []),
        ("staff_invitations", []),
        ("documents:trash", ["college-production"]),
        ("documents:folder_access", None),
    ],
)
def test_scrolling_tables_are_named_regions_reachable_by_keyboard(cast, login, production_root, url_name, args):
    url = reverse(url_name, args=args if args is not None else [production_root.pk])
    page = login(cast.staff).get(url).content.decode()
    wraps = re.findall(r'<div class="table-wrap[^"]*"[^>]*>', page)
    assert wraps, url
    for wrap in wraps:
        assert 'tabindex="0"' in wrap and 'role="region"' in wrap, wrap
        assert re.search(r'aria-label(ledby)?="[^"]+"', wrap), wrap
        labelled_by = re.search(r'aria-labelledby="([^"]+)"', wrap)
        if labelled_by:
            assert f'id="{labelled_by.group(1)}"' in page, wrap


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(first: str, second: str) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_focus_ring_in_the_dark_header_has_three_to_one_contrast():
    css = SITE_CSS.read_text()
    variables = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", css))

    def colour(value: str) -> str:
        value = value.strip()
        return variables[value[6:-1]] if value.startswith("var(--") else value

    header_background = colour(re.search(r"\.site-header \{[^}]*background:\s*([^;]+);", css).group(1))
    header_ring = re.search(r"\.site-header :focus-visible \{[^}]*outline-color:\s*([^;]+);", css)
    ring = colour(header_ring.group(1)) if header_ring else variables["focus"]
    assert _contrast(ring, header_background) >= 3, (ring, header_background)
    # The open account menu is white: the ring there keeps the site's blue.
    menu_ring = re.search(r"\.account-menu ul :focus-visible \{[^}]*outline-color:\s*([^;]+);", css)
    assert menu_ring and _contrast(colour(menu_ring.group(1)), variables["paper"]) >= 3
