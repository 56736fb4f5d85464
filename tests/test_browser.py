"""A real Chromium logs in as a demo member and finds their collèges."""

import pytest
from django.core.management import call_command

from intranet.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_data(association_bodies):
    # Before the browser starts: ORM work while Playwright's event loop runs would happen in
    # another connection context, left open at teardown.
    call_command("seed_demo")


def test_demo_member_logs_in_and_sees_their_colleges(live_server, demo_data, browser_page):
    page = browser_page
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Se connecter"
    page.get_by_label("Adresse e-mail").fill("camille.martin@demo.federation.example")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("heading", name="Mes collèges").is_visible()
    colleges = page.get_by_role("region", name="Mes collèges")
    colleges.get_by_role("link", name="Production").click()
    assert page.get_by_role("heading", name="Collège Production", level=1).is_visible()
    assert page.get_by_text("Isabelle Garnier").first.is_visible()

    page.get_by_role("link", name="Annuaire").click()
    assert page.get_by_role("heading", name="Annuaire des membres").is_visible()
    page.get_by_label("Langue").select_option("en")
    page.get_by_role("button", name="Changer de langue").click()
    assert page.get_by_role("heading", name="Members' directory").is_visible()
