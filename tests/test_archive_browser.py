"""In a real Chromium: one offer recorded by staff, triaged to an archivist, the collège
Patrimoine asked and answering from its tasks, appraised, agreed and taken in, until a member
finds the catalogued fonds with its call numbers."""

import re

import pytest

from tests.archives import make_archivist
from tests.browser import log_in
from tests.factories import PASSWORD, make_member, make_staff
from workflows.archives.models import Fonds, Item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(association_bodies):
    staff = make_staff(email="accueil@example.org", first_name="Anne", last_name="Accueil")
    return {
        "staff": staff,
        "archivist": make_archivist(),
        "heritage": make_member(actor=staff, college="patrimoine", role="coordinator", email="patrimoine@example.org"),
        "member": make_member(actor=staff, college="diffusion", email="membre@example.org"),
    }


def test_an_offer_travels_from_staff_through_the_archivist_and_patrimoine_to_the_catalogue(
    asgi_server, people, browser
):
    staff = log_in(browser, asgi_server, people["staff"].email, PASSWORD)
    staff.goto(f"{asgi_server}/archives/proposer/")
    staff.fill("input[name=title]", "Films de la famille Roussel")
    staff.fill("input[name=depositor_name]", "Marie Roussel")
    for line, (title, film_format, count, year) in enumerate(
        [("Fête au village", "super8", "2", "1974"), ("Usine de filature", "16mm", "5", "1958")]
    ):
        staff.fill(f"input[name=items-{line}-title]", title)
        staff.select_option(f"select[name=items-{line}-format]", film_format)
        staff.fill(f"input[name=items-{line}-count]", count)
        staff.fill(f"input[name=items-{line}-year_from]", year)
    staff.get_by_role("button", name="Envoyer la proposition").click()
    staff.wait_for_url(re.compile(r".*/archives/fonds/\d+/$"))
    fonds_url = staff.url
    staff.check("input[name=decision][value=assign]")
    staff.select_option("select[name=archivist]", str(people["archivist"].pk))
    staff.locator("form[action$='/tri/'] button").click()
    staff.locator(".message--success").wait_for()

    # The archivist finds the fonds in "Mes tâches" and asks the collège Patrimoine.
    archivist = log_in(browser, asgi_server, people["archivist"].email, PASSWORD)
    archivist.get_by_role("link", name=re.compile("Mes tâches")).click()
    archivist.get_by_role("link", name="Films de la famille Roussel").click()
    archivist.wait_for_url(fonds_url)
    archivist.fill("textarea[name=question]", "Une usine textile de la région : à conserver ?")
    archivist.get_by_role("button", name="Demander un avis").click()
    archivist.locator(".message--success").wait_for()

    heritage = log_in(browser, asgi_server, people["heritage"].email, PASSWORD)
    heritage.get_by_role("link", name=re.compile("Mes tâches")).click()
    heritage.get_by_role("link", name="Films de la famille Roussel").click()
    heritage.fill("textarea[name=opinion]", "Un témoignage rare de l'industrie locale.")
    heritage.get_by_role("button", name="Donner l'avis").click()
    heritage.locator(".message--success").wait_for()

    archivist.goto(fonds_url)
    for item in Item.objects.order_by("position"):
        details = archivist.locator("details", has=archivist.locator(f"form[action$='/objets/{item.pk}/expertise/']"))
        if details.get_attribute("open") is None:
            details.locator("summary").click()
        retained = "no" if item.title == "Fête au village" else "yes"
        details.locator(f"input[name=item{item.pk}-retained][value={retained}]").check()
        details.get_by_role("button", name="Enregistrer l'expertise").click()
        archivist.locator(".message--success").wait_for()
    archivist.get_by_role("button", name="Terminer l'expertise").click()
    archivist.locator(".message--success").wait_for()
    archivist.check("input[name=transfer][value=gift]")
    archivist.check("input[name=uses][value=research]")
    archivist.get_by_role("button", name="Enregistrer la convention").click()
    archivist.locator(".message--success").wait_for()
    # The signed agreement, scanned back, is kept with the fonds before the intake.
    signed = {"name": "convention-signee.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%signed\n"}
    archivist.set_input_files("input[name=signed]", files=[signed])
    archivist.get_by_role("button", name="La conserver avec le fonds").click()
    archivist.locator(".message--success").wait_for()
    kept = Item.objects.get(title="Usine de filature")
    archivist.fill(f"input[name=location_{kept.pk}]", "Magasin 3")
    archivist.get_by_role("button", name="Faire entrer le fonds").click()
    archivist.locator(".message--success").wait_for()
    call_number = Fonds.objects.get().call_number
    assert re.fullmatch(r"FI-\d{4}-001", call_number)

    # A member of another collège finds it in the catalogue, without its depositor.
    member = log_in(browser, asgi_server, people["member"].email, PASSWORD)
    member.goto(f"{asgi_server}/archives/")
    member.get_by_role("link", name="Films de la famille Roussel").click()
    page = member.locator("main").inner_text()
    assert f"{call_number}-001" in page and "Usine de filature" in page
    assert "Marie Roussel" not in page and "Fête au village" not in page and "Magasin 3" not in page
