"""Logging in, throttling, passwords and deactivation."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from intranet import actions
from intranet.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

WRONG_CREDENTIALS = "Adresse e-mail ou mot de passe incorrect"
LOCKED_OUT = "Trop de tentatives"


def post_login(client, email, password, address="192.0.2.1"):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address)


def test_login_page_is_in_french_by_default(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert "Se connecter" in page
    assert "Mot de passe oublié" in page


def test_member_logs_in_with_their_email_in_any_case(client, cast):
    response = post_login(client, "MEMBRE.Production@Example.org", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).context["user"] == cast.production_member


@pytest.mark.parametrize("email", ["membre.production@example.org", "personne.inconnue@example.org"])
def test_wrong_password_and_unknown_email_get_the_same_message(client, cast, email):
    response = post_login(client, email, "not the password")
    assert response.status_code == 200
    assert WRONG_CREDENTIALS in response.content.decode()
    # What was typed stays in the form.
    assert f'value="{email}"' in response.content.decode()


def test_deactivated_member_cannot_log_in_and_gets_no_hint(client, cast):
    actions.deactivate_member(cast.staff, user=cast.production_member)
    response = post_login(client, "membre.production@example.org", PASSWORD)
    assert response.status_code == 200
    assert WRONG_CREDENTIALS in response.content.decode()


def test_deactivation_ends_open_sessions(cast, login):
    client = login(cast.production_member)
    assert client.get(reverse("home")).status_code == 200
    actions.deactivate_member(cast.staff, user=cast.production_member)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("email", ["membre.production@example.org", "personne.inconnue@example.org"])
def test_account_is_locked_after_ten_failures_without_revealing_whether_it_exists(client, cast, email):
    for attempt in range(9):
        response = post_login(client, email, f"wrong {attempt}", address=f"198.51.100.{attempt}")
        assert response.status_code == 200
        assert LOCKED_OUT not in response.content.decode()
    response = post_login(client, email, "wrong again", address="198.51.100.200")
    assert response.status_code == 429
    assert LOCKED_OUT in response.content.decode()
    # Even the right password is refused now, from yet another address.
    response = post_login(client, email, PASSWORD, address="198.51.100.201")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_one_address_is_locked_after_ten_failures_across_accounts(client, cast):
    for attempt in range(10):
        post_login(client, f"personne{attempt}@example.org", "wrong", address="203.0.113.7")
    response = post_login(client, "membre.production@example.org", PASSWORD, address="203.0.113.7")
    assert response.status_code == 429
    # Another address still logs in to the same account.
    assert post_login(client, "membre.production@example.org", PASSWORD, address="203.0.113.8").status_code == 302


def test_lock_lifts_after_fifteen_minutes(client, cast):
    for attempt in range(10):
        post_login(client, "membre.production@example.org", f"wrong {attempt}")
    assert post_login(client, "membre.production@example.org", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert post_login(client, "membre.production@example.org", PASSWORD).status_code == 302


def test_logout_needs_a_post_and_ends_the_session(cast, login):
    client = login(cast.production_member)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_change(cast, login):
    client = login(cast.production_member)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "un nouveau mot de passe",
            "new_password2": "un nouveau mot de passe",
        },
    )
    assert response.status_code == 302
    cast.production_member.refresh_from_db()
    assert cast.production_member.check_password("un nouveau mot de passe")
    [entry] = AuditEntry.objects.filter(action="member.password_changed")
    assert (entry.actor, entry.target_id) == (cast.production_member, str(cast.production_member.pk))
    assert "mot de passe" not in str(entry.details)


def test_password_reset_by_email(client, cast):
    response = client.post(reverse("password_reset"), {"email": "membre.production@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["membre.production@example.org"]
    link = next(line for line in message.body.splitlines() if "/compte/reinitialiser/" in line)
    path = link[link.index("/compte/") :].strip()
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "le mot de passe neuf", "new_password2": "le mot de passe neuf"})
    assert response.status_code == 302
    cast.production_member.refresh_from_db()
    assert cast.production_member.check_password("le mot de passe neuf")
    assert AuditEntry.objects.filter(action="member.password_reset", actor=cast.production_member).count() == 1


def test_password_reset_for_unknown_address_looks_the_same_and_sends_nothing(client, cast):
    response = client.post(reverse("password_reset"), {"email": "inconnu@example.org"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_logging_in_as_oneself_does_not_reset_the_count_against_a_victim(client, cast):
    """Nine guesses, a login of one's own, nine more guesses: the victim's account is locked."""
    attacker = cast.outsider
    for round_ in range(2):
        for attempt in range(9):
            post_login(client, "membre.production@example.org", f"guess {round_}-{attempt}", address="192.0.2.66")
        assert post_login(client, attacker.email, PASSWORD, address=f"192.0.2.{100 + round_}").status_code == 302
        client.post(reverse("logout"))
    response = post_login(client, "membre.production@example.org", PASSWORD, address="192.0.2.200")
    assert response.status_code == 429


def test_behind_trusted_proxies_the_forwarded_client_address_is_counted(client, cast, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for attempt in range(10):
        client.post(
            reverse("login"),
            {"username": f"personne{attempt}@example.org", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"forged, 198.51.100.{attempt}",
        )
    # Ten different clients behind the same proxy: nobody is locked out.
    response = client.post(
        reverse("login"),
        {"username": "membre.production@example.org", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.50",
    )
    assert response.status_code == 302
