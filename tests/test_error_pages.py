"""The site's own error pages, with DEBUG as `make run` leaves it: never Django's technical pages."""

from functools import cache

import pytest
from django.test import RequestFactory
from django.urls import get_resolver, reverse
from django.utils import translation

from forums import actions as forum_actions
from forums.models import Forum
from tests.test_settings import settings_as_seen_with


@cache
def debug_under_make_run() -> bool:
    """`make run` starts the server with the development defaults: nothing in the environment."""
    return settings_as_seen_with()["debug"]


@pytest.fixture
def debug_as_make_run_sets_it(settings):
    settings.DEBUG = debug_under_make_run()
    return settings.DEBUG


def test_make_run_leaves_debug_off():
    assert debug_under_make_run() is False
    assert settings_as_seen_with(DEBUG="true")["debug"] is True


@pytest.mark.django_db
def test_member_of_another_college_gets_the_sites_404_on_a_thread(debug_as_make_run_sets_it, cast, login):
    thread = forum_actions.start_thread(
        cast.production_member, forum=Forum.objects.get(college__slug="production"), title="Interne", body="..."
    )
    response = login(cast.diffusion_member).get(reverse("forums:thread", args=[thread.pk]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "URLconf" not in page and "Using the URLconf" not in page
    assert "Page introuvable" in page
    assert 'class="site-nav"' in page  # the site's navigation
    assert f'action="{reverse("search")}"' in page
    assert f'href="{reverse("forums:index")}"' in page
    assert "<style" not in page and "style=" not in page  # nothing the CSP would refuse


@pytest.mark.django_db
def test_an_action_that_is_not_mine_gets_the_sites_403(debug_as_make_run_sets_it, cast, login):
    response = login(cast.production_member).get(reverse("documents:trash", args=["college-production"]))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Action non autorisée" in page
    assert 'class="site-nav"' in page
    assert f'href="{reverse("home")}"' in page  # the way back
    assert "<style" not in page and "style=" not in page


@pytest.mark.django_db
def test_unknown_address_gets_the_404_in_the_members_language(debug_as_make_run_sets_it, cast, login):
    cast.production_member.language = "en"
    cast.production_member.save(update_fields=["language"])
    response = login(cast.production_member).get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Page not found" in page and "My forums" in page
    assert "Using the URLconf" not in page


@pytest.mark.django_db
def test_visitor_who_is_not_logged_in_gets_the_404_with_a_login_link(debug_as_make_run_sets_it, client):
    page = client.get("/no-such-page/").content.decode()
    assert "Page introuvable" in page
    assert f'href="{reverse("login")}"' in page


@pytest.mark.django_db
def test_a_server_error_shows_the_sites_500_without_touching_the_database(
    debug_as_make_run_sets_it, django_assert_num_queries
):
    handler = get_resolver().resolve_error_handler(500)
    request = RequestFactory().get("/")
    with translation.override("en"), django_assert_num_queries(0):
        response = handler(request)
    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="en">' in page and "Something went wrong" in page
    assert "intranet/css/site.css" in page
    with translation.override("fr"):
        assert "Une erreur est survenue" in handler(request).content.decode()


@pytest.mark.django_db
def test_an_exception_in_a_view_answers_the_sites_500(debug_as_make_run_sets_it, cast, client, monkeypatch):
    client.raise_request_exception = False

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("intranet.views.home.render", broken)
    client.force_login(cast.production_member, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("home"))
    assert response.status_code == 500
    assert "Une erreur est survenue" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def _thread(cast):
    return forum_actions.start_thread(
        cast.production_member, forum=Forum.objects.get(college__slug="production"), title="Tournage", body="..."
    )


@pytest.mark.django_db
def test_a_form_address_opened_as_a_page_gets_the_sites_405(debug_as_make_run_sets_it, cast, login):
    """A link followed to, or a reload of, an address that only takes forms: a page that says so,
    not an empty answer the browser shows as its own error."""
    thread = _thread(cast)
    response = login(cast.production_member).get(reverse("forums:reply", args=[thread.pk]))
    assert response.status_code == 405 and response["Allow"] == "POST"
    page = response.content.decode()
    assert "Cette adresse reçoit un formulaire" in page and "rien n" in page and "a été modifié" in page
    assert 'class="site-nav"' in page and f'href="{reverse("home")}"' in page
    # The API keeps its own answer, in JSON.
    from tests.api import token_client
    from tests.factories import make_proposal

    proposal = make_proposal(cast.production_member, stage="draft")
    api = token_client(cast.production_member).get(f"/api/v1/proposals/{proposal.pk}/submit/")
    assert api.status_code == 405 and api["Content-Type"].startswith("application/json")


@pytest.mark.django_db
def test_switching_language_on_a_forms_error_page_goes_back_to_the_forms_page(cast, login):
    """The answer to a form with an error is shown at the form's address (it takes forms only):
    the language switch there brings the person back to the page the form was on."""
    thread = _thread(cast)
    thread_url, reply_url = reverse("forums:thread", args=[thread.pk]), reverse("forums:reply", args=[thread.pk])
    member = login(cast.production_member)
    error_page = member.post(reply_url, {"body": ""}, HTTP_REFERER=f"http://testserver{thread_url}")
    assert "abord un message" in error_page.content.decode()  # the error, on the form's address
    assert f'name="next" value="{thread_url}"' in error_page.content.decode()
    switched = member.post(reverse("switch_language"), {"language": "en", "next": thread_url})
    assert switched.status_code == 302 and switched.url == thread_url
    # Without a page to go back to (no referer, or another site's), the home.
    for referer in ({}, {"HTTP_REFERER": f"https://evil.example{thread_url}"}):
        page = member.post(reply_url, {"body": ""}, **referer).content.decode()
        assert 'name="next" value=""' in page
