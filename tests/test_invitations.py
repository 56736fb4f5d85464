"""Staff invite a member by e-mail; the link sets a password once, before it expires."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from intranet import actions
from intranet.audit import AuditAction
from intranet.groups import ALL_MEMBERS_GROUP
from intranet.models import AuditEntry, Invitation, User
from intranet.notifications.actions import send_due_emails

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "une phrase de passe solide"


def sent() -> list:
    """The e-mails sent once the worker has gone through the outbox."""
    send_due_emails()
    return mail.outbox


def invite(client, **overrides):
    data = {
        "email": "nouvelle@example.org",
        "first_name": "Nora",
        "last_name": "Nouvelle",
        "college": "",
        "college_role": "member",
        "language": "fr",
    }
    data.update(overrides)
    return client.post(reverse("staff_invitations"), data)


def invitation_path(message) -> str:
    return re.search(r"/invitation/[\w-]+/", message.body).group(0)


def test_staff_invites_and_the_invited_person_joins(cast, login, django_capture_on_commit_callbacks):
    client = login(cast.staff)
    college = cast.production_member.college_memberships.get().college
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, college=college.pk, college_role="coordinator")
    assert response.status_code == 302
    assert len(sent()) == 1
    message = sent()[0]
    assert message.to == ["nouvelle@example.org"]
    assert "Production" in message.body
    path = invitation_path(message)
    client.post(reverse("logout"))

    response = client.get(path)
    assert response.status_code == 200
    assert 'value="Nora"' in response.content.decode()
    response = client.post(
        path, {"first_name": "Nora", "last_name": "Nouvelle", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    user = User.objects.get(email="nouvelle@example.org")
    assert user.check_password(NEW_PASSWORD)
    assert user.college_memberships.get().role == "coordinator"
    assert set(user.groups.values_list("name", flat=True)) == {
        ALL_MEMBERS_GROUP,
        college.members_group.name,
        college.coordinators_group.name,
    }
    # Logged in straight away, on the home page, in their collège.
    assert "Production" in client.get(reverse("home")).content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.MEMBER_INVITED, actor=cast.staff).exists()
    assert AuditEntry.objects.filter(action=AuditAction.INVITATION_ACCEPTED, actor=user).exists()


def _invitation_link(cast, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        actions.invite_member(
            cast.staff, email="nouvelle@example.org", first_name="Nora", last_name="Nouvelle", **kwargs
        )
    return invitation_path(sent()[-1])


def test_a_used_invitation_cannot_be_used_again(client, cast, django_capture_on_commit_callbacks):
    path = _invitation_link(cast, django_capture_on_commit_callbacks)
    form = {"first_name": "Nora", "last_name": "Nouvelle", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert client.post(path, form).status_code == 302
    client.post(reverse("logout"))
    response = client.post(path, {**form, "password1": "autre mot de passe 1", "password2": "autre mot de passe 1"})
    assert response.status_code == 410
    assert "déjà été utilisée" in response.content.decode()
    assert User.objects.get(email="nouvelle@example.org").check_password(NEW_PASSWORD)


def test_an_expired_invitation_says_so(client, cast, django_capture_on_commit_callbacks):
    path = _invitation_link(cast, django_capture_on_commit_callbacks)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(path)
    assert response.status_code == 410
    assert "expiré" in response.content.decode()
    assert not User.objects.filter(email="nouvelle@example.org").exists()


def test_an_unknown_invitation_link_says_so(client, db):
    response = client.get(reverse("accept_invitation", args=["n-importe-quoi"]))
    assert response.status_code == 404
    assert "est inconnu" in response.content.decode()


def test_sending_again_replaces_the_previous_link(client, cast, django_capture_on_commit_callbacks):
    first = _invitation_link(cast, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        actions.resend_invitation(cast.staff, invitation=invitation)
    second = invitation_path(sent()[-1])
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_a_revoked_invitation_no_longer_works(client, cast, django_capture_on_commit_callbacks):
    path = _invitation_link(cast, django_capture_on_commit_callbacks)
    actions.revoke_invitation(cast.staff, invitation=Invitation.objects.get())
    response = client.get(path)
    assert response.status_code == 410
    assert "retirée" in response.content.decode()


def test_a_weak_password_is_refused_and_the_names_typed_are_kept(client, cast, django_capture_on_commit_callbacks):
    path = _invitation_link(cast, django_capture_on_commit_callbacks)
    response = client.post(path, {"first_name": "Noémie", "last_name": "N.", "password1": "123", "password2": "123"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Noémie"' in page
    assert "trop court" in page
    assert not User.objects.filter(email="nouvelle@example.org").exists()


def test_inviting_an_existing_member_is_refused_with_the_form_kept(cast, login):
    response = invite(login(cast.staff), email="Membre.Production@example.org", first_name="Gardé")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Un membre utilise déjà cette adresse e-mail" in page
    assert 'value="Gardé"' in page
    assert sent() == []


def test_invitation_email_is_in_the_chosen_language(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        actions.invite_member(
            cast.staff, email="guest@example.org", first_name="Gwen", last_name="Guest", language="en"
        )
    assert "You are invited" in sent()[-1].body


def test_no_email_leaves_when_the_invitation_is_rolled_back(cast, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        actions.invite_member(cast.staff, email="x@example.org", first_name="X", last_name="Y")
        raise RuntimeError("something failed after the invitation")
    assert sent() == []
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("person", ["production_member", "coordinator", "president", "outsider"])
def test_only_staff_can_invite(cast, login, person):
    response = invite(login(getattr(cast, person)))
    assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_accepting_an_invitation_audits_the_membership_it_creates(client, cast, django_capture_on_commit_callbacks):
    production = cast.production_member.college_memberships.get().college
    path = _invitation_link(cast, django_capture_on_commit_callbacks, college=production)
    client.post(path, {"first_name": "Nora", "last_name": "N", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    user = User.objects.get(email="nouvelle@example.org")
    entry = AuditEntry.objects.get(action=AuditAction.MEMBERSHIP_ADDED, target_id=str(user.pk))
    assert entry.actor == cast.staff
    assert entry.details["college"] == "production"


def test_a_failing_mail_server_keeps_the_invitation_and_shows_no_error(cast, login, settings, caplog):
    settings.EMAIL_BACKEND = "tests.test_invitations.BrokenMailServer"
    client = login(cast.staff)
    with caplog.at_level("ERROR"):
        response = invite(client)
    assert response.status_code == 302
    assert Invitation.objects.filter(email="nouvelle@example.org").exists()


class BrokenMailServer:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server unreachable")


def test_an_overlong_email_address_is_refused_by_the_form(cast, login):
    response = invite(login(cast.staff), email="a" * 250 + "@example.org")
    assert response.status_code == 200
    assert not Invitation.objects.exists()
