"""Every main page in a real Chromium, as a member and as staff: it fits a 320 px screen without
scrolling sideways (WCAG 1.4.10), and axe-core finds no serious or critical violation there.

One list of main pages serves both checks; the data they show is made through the actions before
the browser starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from documents import actions as document_actions
from documents import selectors as document_selectors
from documents.models import Space
from documents.samples import pdf_bytes
from forums import actions as forum_actions
from forums.models import Forum
from intranet import actions as core_actions
from intranet.models import College
from intranet.search import indexer
from tests.archives import shelved, sign_agreement
from tests.browser import log_in
from tests.factories import PASSWORD, make_held_meeting, make_incoming, make_member, make_proposal, make_staff
from workflows import actions as workflow_actions
from workflows.archives import actions as archive_actions
from workflows.archives.items import ItemDraft
from workflows.meetings import actions as meeting_actions
from workflows.meetings.minutes_text import first_draft
from workflows.meetings.models import Minutes
from workflows.models import Decision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTHS = (320, 390)
# A long unbroken word, as a pasted address in the minutes: it must wrap on a phone.
LONG_LINE = (
    "\nVoir https://www.example.org/federation/documents/conseil/2026/proces-verbal-et-annexes-budgetaires.pdf\n"
)
AXE_WIDTHS = (1280, 320)
AXE_BLOCKING = {"serious", "critical"}
# Moderate by axe's measure, but a screen reader's list of landmarks then shows two the same.
AXE_BLOCKING_RULES = {"landmark-unique"}


# The document's width, the window's, and the first elements that stick out of the window (not
# counting those inside a box that scrolls), named for the failure message.
WIDEST_ELEMENTS = """() => {
    const scrolls = (el) => ["auto", "scroll", "hidden"].includes(getComputedStyle(el).overflowX);
    const contained = (el) => {
        for (let up = el.parentElement; up; up = up.parentElement) { if (scrolls(up)) return true; }
        return false;
    };
    const classes = (el) => typeof el.className === "string" && el.className.trim()
        ? "." + el.className.trim().split(/\\s+/).join(".") : "";
    const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + classes(el);
    const widest = [...document.querySelectorAll("body *")]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && !contained(el))
        .map(name).slice(0, 6);
    return [document.documentElement.scrollWidth, window.innerWidth, widest];
}"""


CUT_OFF = """(selector) => [...document.querySelectorAll(selector)]
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1).length"""
# The diagram's drawn width over its own width: below 1 its 12 px text shrinks.
DIAGRAM_SCALE = """() => {
    const svg = document.querySelector(".process-diagram__svg");
    return svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
}"""


@dataclass(frozen=True)
class MainPage:
    name: str
    url: str
    staff_only: bool = False
    # What must be wholly on screen on a phone, not merely reachable by scrolling a box.
    on_screen: str = ""


@pytest.fixture
def association(association_bodies, settings, tmp_path):
    """A collège with its coordinator (the member who logs in), a busy thread, a document with
    versions, something in the trash, a proposal under review and a decision, notifications, an
    invitation; and the list of main pages that show them."""
    settings.DOCUMENTS_ROOT = tmp_path / "documents"
    settings.SEARCH_BACKEND = "whoosh"
    staff = make_staff(email="equipe@example.org", first_name="Estelle", last_name="Équipe-Administration")
    member = make_member(
        actor=staff,
        college="production",
        role="coordinator",
        email="camille.martin@example.org",
        first_name="Camille",
        last_name="Martin-Delacroix",
        territory="16",
    )
    colleague = make_member(actor=staff, college="production", email="nadia.benali@example.org", first_name="Nadia")
    president = make_member(actor=staff, college="production", board_role="president")
    secretary = make_member(actor=staff, college="diffusion", board_role="secretary")
    board_member = make_member(actor=staff, college="education", board_role="member")

    forum = Forum.objects.get(slug="production")
    thread = forum_actions.start_thread(
        colleague,
        forum=forum,
        title="Ciné-concerts itinérants dans les villages de la région cet été",
        body="## Projet\n\nTrois **ciné-concerts** avec les écoles de musique : https://example.org/"
        "programmation/ete-2026/cine-concerts-itinerants-dans-les-villages",
    )
    for number in range(4):
        forum_actions.reply(colleague, thread=thread, body=f"@{member.handle} qu'en penses-tu ? Réponse {number}.")
    forum_actions.reply(member, thread=thread, body="> Trois ciné-concerts\n\nD'accord, je réserve les salles.")
    # A command pasted as code: its long line wraps rather than making a box that scrolls sideways
    # (which a keyboard could not reach: axe's scrollable-region-focusable).
    command = "ffmpeg -i rushes.mov" + " -vf scale=1920:1080" * 12
    forum_actions.reply(colleague, thread=thread, body=f"```\n{command}\n```")

    root = document_selectors.root_folder(Space.objects.get(slug="college-production"))
    document, _version, _created = document_actions.upload_document(
        member,
        folder=root,
        incoming=make_incoming("Compte rendu de l'assemblée générale 2026.pdf", pdf_bytes("Compte rendu")),
        description="Le compte rendu approuvé par le conseil d'administration.",
    )
    for text in ("Compte rendu, deuxième lecture", "Compte rendu final"):
        document_actions.add_version(member, document=document, incoming=make_incoming(document.name, pdf_bytes(text)))
    subfolder = document_actions.create_folder(member, parent=root, name="Tournages et repérages")
    discarded, _version, _created = document_actions.upload_document(
        member, folder=subfolder, incoming=make_incoming("brouillon-planning-tournage.txt", b"Brouillon")
    )
    document_actions.trash_document(member, document=discarded)

    proposal = make_proposal(colleague, title="Tournée de cinéma itinérant", stage="in_review")
    decided = make_proposal(colleague, title="Adhésion au réseau national des salles", reviewer=member)
    vote = workflow_actions.open_board_vote(secretary, proposal=decided, deadline=timezone.now() + timedelta(days=1))
    for voter, choice in ((president, "for"), (secretary, "for"), (board_member, "abstain")):
        workflow_actions.cast_ballot(voter, vote=vote, choice=choice)  # the last ballot closes the vote
    decision = Decision.objects.get(vote=vote)

    core_actions.invite_member(
        staff,
        email="nouvelle.personne.avec.un.long.nom@example.org",
        first_name="Marie-Antoinette",
        last_name="Nouvelle-Personne",
        college=College.objects.get(slug="production"),
    )
    fonds = archive_actions.record_offer(
        member,
        title="Films de famille tournés en Super 8 sur la côte et dans les villages de l'arrière-pays",
        depositor=member,
        items=[
            ItemDraft(title="Vacances à Étretat, plage et falaises", format="super8", count=3, year_from=1972),
            ItemDraft(title="Mariage à Honfleur", format="8mm", count=1, year_from=1964, year_to=1965),
        ],
    )
    archive_actions.assign_archivist(staff, fonds=fonds, archivist=staff)
    for item in fonds.items.all():
        archive_actions.appraise_item(staff, item=item, retained=True)
    archive_actions.finish_appraisal(staff, fonds=fonds)
    archive_actions.record_agreement(staff, fonds=fonds, transfer="deposit", uses=["on_site", "online"])
    archive_actions.take_in(staff, fonds=sign_agreement(staff, fonds), placements=shelved(fonds))
    in_appraisal = archive_actions.record_offer(
        staff,
        title="Fonds des Établissements Lefèvre-Utile, films d'entreprise",
        depositor_name="Société des amis du patrimoine industriel de la vallée",
        items=[ItemDraft(title="Chaîne de fabrication des biscuits", format="35mm", count=12, year_from=1931)],
    )
    archive_actions.assign_archivist(staff, fonds=in_appraisal, archivist=staff)
    make_proposal(colleague, title="Résidence d'écriture de documentaires en milieu rural", reviewer=member)
    meeting = meeting_actions.plan_meeting(
        secretary, starts_at=timezone.now() + timedelta(days=12), place="Maison des associations, salle du conseil"
    )
    meeting_actions.add_proposals(
        secretary, meeting=meeting, proposals=meeting_actions.proposals_waiting_for_a_meeting()
    )
    meeting_actions.add_free_item(secretary, meeting=meeting, kind="other", title="Questions diverses et calendrier")
    meeting = meeting_actions.convene(secretary, meeting=meeting)
    meeting_actions.answer(board_member, meeting=meeting, choice="proxy", proxy_to=president)
    held = make_held_meeting(secretary, minutes=first_draft(meeting) + LONG_LINE, public=True, present=[president])
    Minutes.objects.filter(meeting=held).update(approved_at=timezone.now(), approved_in=meeting)
    for person in (member, staff):
        core_actions.create_api_token(person, name="Tableur des adhésions et des cotisations de la fédération")
        revoked, _secret = core_actions.create_api_token(person, name="Site web")
        core_actions.revoke_api_token(person, token_id=revoked.pk)
    while indexer.apply_pending():
        pass

    pages = [
        MainPage("home", reverse("home")),
        MainPage("collège", reverse("college_detail", args=["production"])),
        MainPage("forums", reverse("forums:index")),
        MainPage("forum", reverse("forums:forum", args=[forum.slug])),
        MainPage("thread", reverse("forums:thread", args=[thread.pk])),
        MainPage("documents", reverse("documents:index")),
        MainPage("folder", reverse("documents:folder", args=[root.pk])),
        MainPage("document with versions", reverse("documents:document", args=[document.pk])),
        MainPage("who has access", reverse("documents:folder_access", args=[root.pk])),
        MainPage("trash", reverse("documents:trash", args=["college-production"])),
        MainPage("proposals", reverse("proposals:index")),
        MainPage("proposal and its diagram", reverse("proposals:detail", args=[proposal.pk])),
        MainPage("my tasks", reverse("proposals:tasks")),
        MainPage("decision register", reverse("workflows:register"), on_screen="tbody td"),
        MainPage("decision", reverse("workflows:decision", args=[decision.number])),
        MainPage("archive catalogue", reverse("archives:catalogue"), on_screen="tbody td"),
        MainPage("fonds", reverse("archives:fonds", args=[fonds.pk])),
        MainPage("archive offer form", reverse("archives:offer")),
        MainPage("fonds in appraisal", reverse("archives:fonds", args=[in_appraisal.pk]), staff_only=True),
        MainPage("board meetings", reverse("meetings:list"), staff_only=True),
        MainPage("board meeting", reverse("meetings:detail", args=[meeting.pk]), staff_only=True),
        MainPage("held board meeting", reverse("meetings:detail", args=[held.pk]), staff_only=True),
        MainPage("minutes of the board", reverse("meetings:minutes_list")),
        MainPage("printable minutes", reverse("meetings:minutes", args=[held.pk])),
        MainPage("search results", reverse("search") + "?q=cin%C3%A9ma"),
        MainPage("notifications", reverse("notifications:list")),
        MainPage("directory", reverse("directory")),
        MainPage("member page", reverse("member_detail", args=[member.pk])),
        MainPage("API tokens", reverse("api_tokens")),
        MainPage("staff dashboard", reverse("staff_dashboard"), staff_only=True),
        MainPage("staff: collège", reverse("staff_college", args=["production"]), staff_only=True),
        MainPage("staff: board", reverse("staff_board"), staff_only=True),
        MainPage("staff: meeting rules", reverse("meetings:rules"), staff_only=True),
        MainPage("staff: members", reverse("staff_members"), staff_only=True),
        MainPage("staff: invitations", reverse("staff_invitations"), staff_only=True),
        MainPage("audit log", reverse("staff_audit_log"), staff_only=True),
    ]
    return {"member": member, "staff": staff, "pages": pages}


def _pages_for(association, role: str) -> list[MainPage]:
    """A member opens every member page; staff open those too, and the staff pages."""
    return [page for page in association["pages"] if role == "staff" or not page.staff_only]


def _open(page, base_url: str, main_page: MainPage) -> None:
    response = page.goto(base_url + main_page.url)
    assert response is not None and response.status == 200, f"{main_page.name}: {response and response.status}"


@pytest.mark.parametrize("role", ["member", "staff"])
def test_every_main_page_fits_a_phone_without_scrolling_sideways(asgi_server, association, browser, role):
    page = log_in(browser, asgi_server, association[role].email, PASSWORD)
    too_wide = []
    for main_page in _pages_for(association, role):
        page.set_viewport_size({"width": PHONE_WIDTHS[0], "height": 720})
        _open(page, asgi_server, main_page)
        for width in PHONE_WIDTHS:
            page.set_viewport_size({"width": width, "height": 720})
            scroll_width, inner_width, widest = page.evaluate(WIDEST_ELEMENTS)
            if scroll_width > inner_width:
                too_wide.append(f"{main_page.name} at {width} px: {scroll_width} px wide ({', '.join(widest)})")
            if main_page.on_screen:
                cut = page.evaluate(CUT_OFF, main_page.on_screen)
                if cut:
                    too_wide.append(f"{main_page.name} at {width} px: {cut} cut off by the screen's edge")
            if page.locator(".process-diagram__svg").count():
                scale = page.evaluate(DIAGRAM_SCALE)
                if scale < 1:
                    too_wide.append(f"{main_page.name} at {width} px: the diagram is shrunk to {scale:.0%}")
    assert not too_wide, "Pages that scroll sideways:\n" + "\n".join(too_wide)


@pytest.mark.parametrize("role", ["member", "staff"])
def test_every_main_page_has_no_serious_accessibility_violation(asgi_server, association, browser, role):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = log_in(browser, asgi_server, association[role].email, PASSWORD)
    found = []
    for main_page in _pages_for(association, role):
        page.set_viewport_size({"width": AXE_WIDTHS[0], "height": 900})
        _open(page, asgi_server, main_page)
        for width in AXE_WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            results = axe.run(page).response
            for violation in results["violations"]:
                if violation["impact"] in AXE_BLOCKING or violation["id"] in AXE_BLOCKING_RULES:
                    targets = "; ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:5])
                    found.append(
                        f"{main_page.name} at {width} px: {violation['id']} ({violation['impact']}): {targets}"
                    )
    assert not found, "Serious, critical or landmark axe violations:\n" + "\n".join(found)
