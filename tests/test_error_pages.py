"""The site's own error pages, with DEBUG as `make run` leaves it: never Django's technical pages."""

import json
from functools import cache

import pytest
from django.core.exceptions import SuspiciousOperation
from django.test import Client, RequestFactory
from django.urls import get_callable, get_resolver, reverse
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


@pytest.mark.django_db
def test_a_reply_sent_from_an_expired_page_gets_the_sites_page_saying_what_to_do(debug_as_make_run_sets_it, cast):
    """A tab opened before the member logged in again sends its old CSRF token: the site's page,
    in the member's language, with the way back to the thread (what was typed is not kept)."""
    thread = _thread(cast)
    thread_url, reply_url = reverse("forums:thread", args=[thread.pk]), reverse("forums:reply", args=[thread.pk])
    member = Client(enforce_csrf_checks=True)
    member.force_login(cast.production_member, backend="django.contrib.auth.backends.ModelBackend")
    member.get(thread_url)  # the CSRF cookie of the current session
    sent = {"body": "Une longue réponse"}
    for token in ({}, {"csrfmiddlewaretoken": "x" * 64}):
        response = member.post(reply_url, {**sent, **token}, HTTP_REFERER=f"http://testserver{thread_url}")
        assert response.status_code == 403
        page = response.content.decode()
        assert "Cette page a expiré" in page and "rechargez la page" in page and "copiez-le" in page
        assert 'class="site-nav"' in page  # the site's navigation
        assert f'<a href="{thread_url}">' in page  # back to the page the form was on
        assert "DEBUG" not in page and "CSRF" not in page
        assert "<style" not in page and "style=" not in page  # nothing the CSP would refuse
    assert thread.posts.count() == 1  # nothing was saved
    # From another site's page, no link to it.
    page = member.post(reply_url, sent, HTTP_REFERER=f"https://evil.example{thread_url}").content.decode()
    assert "Cette page a expiré" in page and f'<a href="{thread_url}">' not in page


@pytest.mark.django_db
def test_a_login_form_left_open_too_long_gets_the_expired_page_in_english_for_an_english_visitor(
    debug_as_make_run_sets_it,
):
    visitor = Client(enforce_csrf_checks=True)
    visitor.cookies["django_language"] = "en"
    response = visitor.post(reverse("login"), {"username": "camille", "password": "..."})
    assert response.status_code == 403
    page = response.content.decode()
    assert '<html lang="en">' in page and "This page has expired" in page and "reload the page" in page
    assert f'href="{reverse("login")}"' in page
    assert 'class="site-nav"' not in page  # not signed in


def test_the_api_refuses_a_missing_csrf_token_in_its_own_error_body(rf, settings):
    """The API's endpoints check the session's token themselves (DRF); anything else under /api/
    that Django's check refuses answers the same JSON, not a page."""
    failure_view = get_callable(settings.CSRF_FAILURE_VIEW)
    with translation.override("fr"):
        response = failure_view(rf.post("/api/v1/notifications/read-all/"), reason="CSRF token missing.")
    assert response.status_code == 403 and response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["code"] == "permission_denied" and "CSRF" in body["detail"] and "rechargez" not in body["detail"]


@pytest.mark.django_db
def test_an_unknown_host_gets_the_sites_400_without_asking_for_the_host(debug_as_make_run_sets_it, client):
    """A Host header the site does not serve: refused before anything reads the person or the
    language, the page must render without the host (no absolute address, no origin check)."""
    for response in (
        client.get("/", HTTP_HOST="intranet.evil.example"),
        client.post(
            reverse("login"), {}, HTTP_HOST="intranet.evil.example", HTTP_ORIGIN="http://intranet.evil.example"
        ),
    ):
        assert response.status_code == 400
        page = response.content.decode()
        assert "Demande incomprise" in page and "a été modifié" in page
        assert "intranet/css/site.css" in page and 'href="/"' in page
        assert "intranet.evil.example" not in page and "DisallowedHost" not in page and "DEBUG" not in page
        assert "<style" not in page and "style=" not in page


@pytest.mark.django_db
def test_a_bad_request_in_a_page_gets_the_400_in_the_members_language(
    debug_as_make_run_sets_it, cast, client, monkeypatch
):
    def malformed(*args, **kwargs):
        raise SuspiciousOperation("malformed")

    monkeypatch.setattr("intranet.views.home.render", malformed)
    cast.production_member.language = "en"
    cast.production_member.save(update_fields=["language"])
    client.force_login(cast.production_member, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("home"))
    assert response.status_code == 400
    assert '<html lang="en">' in response.content.decode() and "Request not understood" in response.content.decode()
