"""In a real Chromium: one proposal from a member, through a coordinator and three board members,
into the decision register."""

import re

import pytest

from tests.browser import log_in
from tests.factories import PASSWORD, make_member, make_staff
from workflows.models import Decision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(association_bodies):
    staff = make_staff()
    return {
        "author": make_member(actor=staff, college="production", email="autrice@example.org"),
        "coordinator": make_member(actor=staff, college="production", role="coordinator", email="anim@example.org"),
        "president": make_member(actor=staff, board_role="president", email="presidente@example.org"),
        "secretary": make_member(actor=staff, board_role="secretary", email="secretaire@example.org"),
        "member": make_member(actor=staff, board_role="member", email="administrateur@example.org"),
    }


def test_a_proposal_travels_from_its_author_to_the_register(asgi_server, people, browser):
    author = log_in(browser, asgi_server, people["author"].email, PASSWORD)
    author.goto(f"{asgi_server}/propositions/nouvelle/production/")
    author.fill("input[name=title]", "Ciné-concerts dans les villages")
    author.fill("textarea[name=summary]", "Dix ciné-concerts l'été prochain.")
    author.fill("textarea[name=body]", "Avec les écoles de musique du territoire.")
    author.locator("form.card button[type=submit]").click()
    author.wait_for_url(re.compile(r".*/propositions/\d+/$"))
    proposal_url = author.url
    author.locator("form[action$='/soumettre/'] button").click()
    author.locator(".message--success").wait_for()

    # The coordinator finds the review in "Mes tâches", counted in the navigation.
    coordinator = log_in(browser, asgi_server, people["coordinator"].email, PASSWORD)
    tasks_link = coordinator.get_by_role("link", name=re.compile("Mes tâches"))
    assert tasks_link.locator(".nav-count").inner_text().startswith("1")
    tasks_link.click()
    coordinator.get_by_role("row", name=re.compile("Ciné-concerts")).get_by_role("link", name="Ouvrir").click()
    coordinator.wait_for_url(re.compile(re.escape(proposal_url) + "#current-step$"))
    assert "Examen par le collège" in coordinator.locator(".process-diagram figcaption").inner_text()
    coordinator.check("input[name=decision][value=forward]")
    coordinator.fill("textarea[name=text]", "Le collège est favorable.")
    coordinator.locator("form[action$='/examen/'] button").click()
    coordinator.locator(".message--success").wait_for()

    secretary = log_in(browser, asgi_server, people["secretary"].email, PASSWORD)
    secretary.goto(proposal_url)
    secretary.fill("input[name=deadline]", "2031-06-30T18:00")
    secretary.locator("form[action$='/vote/'] button").click()
    secretary.locator("form[action$='/voter/']").wait_for()

    for name, page in (("secretary", secretary), ("president", None), ("member", None)):
        page = page or log_in(browser, asgi_server, people[name].email, PASSWORD)
        page.goto(proposal_url)
        page.check("input[name=choice][value=for]")
        page.locator("form[action$='/voter/'] button").click()
        page.locator(".message--success").wait_for()

    decision = Decision.objects.get()
    register = log_in(browser, asgi_server, people["author"].email, PASSWORD)
    register.goto(f"{asgi_server}/deliberations/")
    row = register.get_by_role("link", name=decision.number)
    assert row.is_visible()
    row.click()
    assert "Ciné-concerts dans les villages" in register.locator("h1").inner_text()
    assert "3 pour" in register.content()
