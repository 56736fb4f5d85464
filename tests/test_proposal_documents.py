"""A proposal's documents: uploaded into its own folder with the usual upload rules, or attached
from the spaces; each reader sees only what they may open, and the proposal's folder opens to
the collège, the board and every member as the proposal does."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone

from documents import actions as document_actions
from documents import selectors as document_selectors
from documents.models import Document, Space
from documents.samples import pdf_bytes
from tests.factories import make_incoming, make_proposal
from workflows import actions
from workflows.models import Proposal


def upload(client, proposal: Proposal, name: str, data: bytes):
    """What the author does: open the proposal's folder from its page, then upload there."""
    response = client.post(reverse("proposals:folder", args=[proposal.pk]))
    assert response.status_code == 302
    folder_id = Proposal.objects.get(pk=proposal.pk).folder_id
    assert response.url == reverse("documents:folder", args=[folder_id])
    return client.post(
        reverse("documents:folder_upload", args=[folder_id]),
        data=data,
        content_type="application/octet-stream",
        headers={"X-File-Name": quote(name)},
    )


def page(client, proposal) -> str:
    return client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()


def test_the_proposal_folder_opens_to_the_college_then_the_board_then_every_member(cast, login):
    proposal = make_proposal(cast.production_member, stage="draft", title="Aide à la diffusion")
    author = login(cast.production_member)
    assert upload(author, proposal, "budget-previsionnel.pdf", pdf_bytes("Budget")).status_code == 201
    assert "budget-previsionnel.pdf" in page(author, proposal)
    document = Document.objects.get(name="budget-previsionnel.pdf")
    folder = Proposal.objects.get(pk=proposal.pk).folder
    assert folder.parent.name == "Propositions" and folder.space.slug == "college-production"

    def opens(person) -> bool:
        return login(getattr(cast, person)).get(reverse("documents:document", args=[document.pk])).status_code == 200

    # A draft's files are its author's (and the coordinators', who manage the collège's space).
    assert [opens(p) for p in ("coordinator", "president", "board_member", "diffusion_member")] == [
        True, False, False, False,
    ]  # fmt: skip
    actions.submit_proposal(cast.production_member, proposal=proposal)
    assert [opens(p) for p in ("president", "board_member", "diffusion_member")] == [True, False, False]
    actions.forward_proposal(cast.coordinator, proposal=proposal, recommendation="Favorable")
    assert [opens(p) for p in ("board_member", "secretary", "diffusion_member")] == [True, True, False]
    vote = actions.open_board_vote(cast.secretary, proposal=proposal, deadline=timezone.now() + timedelta(days=2))
    for person in (cast.board_member, cast.president, cast.secretary):
        actions.cast_ballot(person, vote=vote, choice="for")
    assert opens("diffusion_member") and opens("outsider")
    decision = proposal.decisions.get()
    register_page = login(cast.diffusion_member).get(reverse("workflows:decision", args=[decision.number]))
    assert "budget-previsionnel.pdf" in register_page.content.decode()


def test_a_refused_file_is_refused_as_in_any_folder_and_leaves_nothing(cast, login):
    proposal = make_proposal(cast.production_member, stage="draft")
    response = upload(login(cast.production_member), proposal, "programme.exe", b"MZ\x90\x00" + b"\x00" * 64)
    assert response.status_code == 400 and "(.exe)" in response.json()["message"]
    assert not Document.objects.exists()


def test_an_attached_document_is_named_only_to_readers_who_may_open_it(cast, login):
    board_root = document_selectors.root_folder(Space.objects.get(slug="conseil-d-administration"))
    production_root = document_selectors.root_folder(Space.objects.get(slug="college-production"))
    minutes, _version, _created = document_actions.upload_document(
        cast.staff, folder=board_root, incoming=make_incoming("pv-confidentiel.pdf", pdf_bytes("PV"))
    )
    study, _version, _created = document_actions.upload_document(
        cast.production_member, folder=production_root, incoming=make_incoming("etude.pdf", pdf_bytes("Étude"))
    )
    proposal = make_proposal(cast.president, stage="draft", title="Étude de public")
    president = login(cast.president)  # on the board and in Production: may open both
    for document in (minutes, study):
        response = president.post(
            reverse("proposals:document_attach", args=[proposal.pk]),
            {"document": f"{document.name} (#{document.pk})"},
            follow=True,
        )
        assert f"«\xa0{document.name}\xa0» est joint" in response.content.decode()
    actions.submit_proposal(cast.president, proposal=proposal)
    member_page = page(login(cast.production_member), proposal)
    assert "etude.pdf" in member_page
    assert "pv-confidentiel" not in member_page and "un document que vous ne pouvez pas ouvrir" in member_page
    assert "pv-confidentiel.pdf" in page(login(cast.president), proposal)


def test_attaching_a_document_one_may_not_open_is_refused_and_keeps_what_was_typed(cast, login):
    board_root = document_selectors.root_folder(Space.objects.get(slug="conseil-d-administration"))
    minutes, _version, _created = document_actions.upload_document(
        cast.staff, folder=board_root, incoming=make_incoming("pv.pdf", pdf_bytes("PV"))
    )
    proposal = make_proposal(cast.production_member, stage="draft")
    client = login(cast.production_member)
    for typed in (f"[[doc:{minutes.pk}]]", "[[doc:999999]]"):
        response = client.post(reverse("proposals:document_attach", args=[proposal.pk]), {"document": typed})
        assert response.status_code == 400
        body = response.content.decode()
        assert "Aucun document de ce numéro que vous puissiez ouvrir" in body and f'value="{typed}"' in body
    response = client.post(reverse("proposals:document_attach", args=[proposal.pk]), {"document": "le budget"})
    assert response.status_code == 400 and "par exemple #42" in response.content.decode()
    assert not proposal.documents.exists()


def test_only_the_author_adds_documents_while_the_proposal_is_theirs(cast, login):
    proposal = make_proposal(cast.production_member, stage="in_review")
    for person, status in (("coordinator", 403), ("diffusion_member", 404)):
        client = login(getattr(cast, person))
        assert client.post(reverse("proposals:folder", args=[proposal.pk])).status_code == status
        assert client.post(reverse("proposals:document_attach", args=[proposal.pk]), {"document": "1"}).status_code == (
            status
        )
    # In review, even the author waits for the collège's answer before adding anything.
    author = login(cast.production_member)
    assert author.post(reverse("proposals:folder", args=[proposal.pk])).status_code == 403
    assert 'name="document"' not in page(author, proposal)


def test_a_folder_made_beforehand_under_the_proposal_s_name_is_not_reused(cast, login):
    proposal = make_proposal(cast.production_member, stage="draft", title="Aide à la diffusion")
    root = document_selectors.root_folder(Space.objects.get(slug="college-production"))
    parent = document_actions.create_folder(cast.coordinator, parent=root, name="Propositions")
    squatted = document_actions.create_folder(
        cast.coordinator, parent=parent, name=f"{proposal.pk} – Aide à la diffusion"
    )
    assert upload(login(cast.production_member), proposal, "budget.pdf", pdf_bytes("Budget")).status_code == 201
    folder = Proposal.objects.get(pk=proposal.pk).folder
    assert folder.pk != squatted.pk and folder.restricted and folder.name.endswith("(2)")
    document = Document.objects.get(name="budget.pdf")
    assert login(cast.education_member).get(reverse("documents:document", args=[document.pk])).status_code == 404


def test_the_author_uploads_only_while_the_proposal_is_theirs_to_edit(cast, login):
    proposal = make_proposal(cast.production_member, stage="draft", title="Titre\\avec\u00adcaractères / bizarres")
    author = login(cast.production_member)
    assert upload(author, proposal, "v1.pdf", pdf_bytes("Un")).status_code == 201
    actions.submit_proposal(cast.production_member, proposal=proposal)
    folder_id = Proposal.objects.get(pk=proposal.pk).folder_id
    late = author.post(
        reverse("documents:folder_upload", args=[folder_id]),
        data=pdf_bytes("Deux"),
        content_type="application/octet-stream",
        headers={"X-File-Name": quote("v2.pdf")},
    )
    assert late.status_code == 403 and not Document.objects.filter(name="v2.pdf").exists()
    actions.return_proposal(cast.coordinator, proposal=proposal, note="Ajoutez le budget.")
    assert upload(author, proposal, "v2.pdf", pdf_bytes("Deux")).status_code == 201


def test_the_attach_field_suggests_recent_documents_the_author_may_open_and_no_others(cast, login):
    board_root = document_selectors.root_folder(Space.objects.get(slug="conseil-d-administration"))
    production_root = document_selectors.root_folder(Space.objects.get(slug="college-production"))
    document_actions.upload_document(
        cast.staff, folder=board_root, incoming=make_incoming("pv-confidentiel.pdf", pdf_bytes("PV"))
    )
    study, _version, _created = document_actions.upload_document(
        cast.production_member, folder=production_root, incoming=make_incoming("etude.pdf", pdf_bytes("Étude"))
    )
    proposal = make_proposal(cast.production_member, stage="draft")
    body = page(login(cast.production_member), proposal)
    suggestions = body[body.index('<datalist id="attachable-documents">') :].split("</datalist>")[0]
    assert f'<option value="etude.pdf (#{study.pk})">' in suggestions
    assert "pv-confidentiel" not in body


def test_the_proposal_page_costs_the_same_queries_with_more_documents(cast, login, django_assert_max_num_queries):
    """The picker's suggestions come with their names in the query that finds them: the page's
    queries do not grow with the documents of the spaces."""
    production_root = document_selectors.root_folder(Space.objects.get(slug="college-production"))
    proposal = make_proposal(cast.production_member, stage="draft")
    author = login(cast.production_member)
    page(author, proposal)  # the first visit counts the navigation's counts
    with django_assert_max_num_queries(16):
        page(author, proposal)
    for number in range(12):
        document_actions.upload_document(
            cast.production_member,
            folder=production_root,
            incoming=make_incoming(f"note-{number}.pdf", pdf_bytes(f"Note {number}")),
        )
    page(author, proposal)
    with django_assert_max_num_queries(16):
        body = page(author, proposal)
    assert '<option value="note-11.pdf' in body
