"""What the security probe of issue 16 found: each answer is a clear refusal, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from forums import actions as forum_actions
from forums.models import Forum
from tests.api import token_client
from tests.helpers import signed_in

# --- Malformed requests answer 4xx in the API's error body ----------------------------------


def test_a_forged_post_cursor_gets_a_400_not_a_500(cast):
    forum = Forum.objects.get(college__slug="production")
    thread = forum_actions.start_thread(cast.production_member, forum=forum, title="Sujet", body="Texte")
    client = token_client(cast.production_member)
    response = client.get(f"/api/v1/threads/{thread.pk}/posts/?cursor=cD1hYmM=")
    # As DRF answers any other unreadable cursor.
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_deeply_nested_json_gets_a_400_not_a_500(cast):
    client = token_client(cast.production_member)
    body = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/v1/notifications/read/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_reusing_another_persons_proposal_key_is_refused_not_a_500(cast):
    body = {
        "college": "production",
        "title": "t",
        "summary": "r",
        "body": "t",
        "creation_key": "0b6c1a9e-8d55-4c1e-9d1e-5b8a3f9f2a11",
    }
    assert token_client(cast.production_member).post("/api/v1/proposals/", body, format="json").status_code == 201
    response = token_client(cast.coordinator).post("/api/v1/proposals/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["creation_key"]


def test_reusing_another_persons_proposal_key_on_the_page_shows_the_form_again(cast, login):
    from workflows.models import Proposal

    data = {
        "title": "Résidence", "summary": "Deux par an.", "body": "Le texte.", "budget": "",
        "wished_decision_date": "", "creation_key": "0b6c1a9e-8d55-4c1e-9d1e-5b8a3f9f2a11",
    }  # fmt: skip
    url = reverse("proposals:create", args=["production"])
    login(cast.production_member).post(url, data)
    response = login(cast.coordinator).post(url, data)
    assert response.status_code == 200
    assert "Rechargez la page" in response.content.decode()
    assert "Hidden field" not in response.content.decode()  # said above the form, as it is
    assert not Proposal.objects.filter(author=cast.coordinator).exists()


@pytest.mark.parametrize("path", ["/api/v1/folders/1/documents/", "/documents/dossiers/1/deposer/"])
async def test_an_oversized_body_without_declared_length_gets_a_413(settings, path):
    import json

    from intranet.bodylimit import ENVELOPE_BYTES, RequestBodyLimit

    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 1024
    chunks = iter([b"x" * ENVELOPE_BYTES, b"x" * 2048])
    sent = []

    async def receive():
        return {"type": "http.request", "body": next(chunks), "more_body": True}

    async def send(message):
        sent.append(message)

    async def application(scope, receive, send):
        # As Django does: the whole body is read before any view; a disconnect ends the request
        # without an answer.
        while (await receive())["type"] == "http.request":
            pass

    await RequestBodyLimit(application)({"type": "http", "path": path, "headers": []}, receive, send)
    assert sent[0]["status"] == 413
    body = json.loads(sent[1]["body"])
    if path.startswith("/api/"):
        assert body["code"] == "too_large" and body["detail"]
    else:
        assert body["ok"] is False and body["message"]


# --- Upload names are refused alike on every route -------------------------------------------

FORGED_NAMES = ["../../x.txt", "/etc/x.txt", "x\x00.txt", "x\n.txt", "x\u200b.txt"]


def multipart_body(field: str, name: str, data: bytes) -> tuple[bytes, str]:
    """A form's file with its name exactly as sent (the test client would keep only its basename),
    percent-encoded as browsers send what a quoted header cannot hold."""
    from urllib.parse import quote

    boundary = "----limite-du-formulaire"
    body = (
        (
            f"--{boundary}\r\n"
            f"Content-Disposition: form-data; name=\"{field}\"; filename*=UTF-8''{quote(name, safe='')}\r\n"
            "Content-Type: text/plain\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.fixture
def folder_with_x(cast):
    from documents import actions as document_actions
    from documents import selectors as document_selectors
    from documents.models import Space
    from tests.factories import make_incoming

    root = document_selectors.root_folder(Space.objects.get(slug="college-production"))
    folder = document_actions.create_folder(cast.coordinator, parent=root, name="Dossier")
    document_actions.upload_document(cast.production_member, folder=folder, incoming=make_incoming("x.txt", b"un"))
    return folder


def assert_still_one_version(folder):
    from documents.models import Document, DocumentVersion

    assert list(Document.objects.filter(folder=folder).values_list("name", flat=True)) == ["x.txt"]
    assert DocumentVersion.objects.filter(document__folder=folder).count() == 1


def raw_route_refusal(client, folder, name: str) -> str:
    from urllib.parse import quote

    response = client.post(
        reverse("documents:folder_upload", args=[folder.pk]),
        data=b"deux",
        content_type="application/octet-stream",
        headers={"X-File-Name": quote(name)},
    )
    assert response.status_code == 400
    return response.json()["message"]


@pytest.mark.parametrize("name", FORGED_NAMES, ids=repr)
def test_a_forged_name_in_the_upload_form_is_refused_as_the_page_script_is(cast, login, folder_with_x, name):
    client = login(cast.production_member)
    expected = raw_route_refusal(client, folder_with_x, name)
    body, content_type = multipart_body("files", name, b"deux")
    response = client.post(
        reverse("documents:folder_upload", args=[folder_with_x.pk]), body, content_type=content_type, follow=True
    )
    assert expected in [str(message) for message in response.context["messages"]]
    assert_still_one_version(folder_with_x)


@pytest.mark.parametrize("name", FORGED_NAMES, ids=repr)
def test_a_forged_name_for_a_new_version_is_refused(cast, login, folder_with_x, name):
    from documents.models import Document

    client = login(cast.production_member)
    expected = raw_route_refusal(client, folder_with_x, name)
    document = Document.objects.get(folder=folder_with_x)
    body, content_type = multipart_body("files", name, b"deux")
    response = client.post(
        reverse("documents:document_upload_version", args=[document.pk]), body, content_type=content_type, follow=True
    )
    assert expected in [str(message) for message in response.context["messages"]]
    assert_still_one_version(folder_with_x)


@pytest.mark.parametrize("name", FORGED_NAMES, ids=repr)
def test_a_forged_name_sent_to_the_api_is_refused(cast, login, folder_with_x, name):
    expected = raw_route_refusal(login(cast.production_member), folder_with_x, name)
    body, content_type = multipart_body("file", name, b"deux")
    response = token_client(cast.production_member).post(
        f"/api/v1/folders/{folder_with_x.pk}/documents/", body, content_type=content_type
    )
    assert response.status_code == 400
    assert response.json()["errors"]["file"] == [expected]
    assert_still_one_version(folder_with_x)


# --- What a signed-in person is shown is kept by no cache ------------------------------------


def test_pages_fragments_api_answers_and_downloads_of_a_signed_in_person_are_not_cached(cast, login, folder_with_x):
    from documents.models import Document

    forum = Forum.objects.get(college__slug="production")
    thread = forum_actions.start_thread(cast.production_member, forum=forum, title="Sujet", body="Texte")
    client = login(cast.production_member)
    answers = {
        "home": client.get(reverse("home")),
        "thread": client.get(reverse("forums:thread", args=[thread.pk])),
        "fragment": client.get(reverse("forums:post", args=[thread.posts.get().pk])),
        "missing page": client.get("/pas-de-page/"),
        "api by session": client.get("/api/v1/colleges/"),
        "api by token": token_client(cast.production_member).get("/api/v1/colleges/"),
        "download": client.get(
            reverse("documents:document_download", args=[Document.objects.get(folder=folder_with_x).pk])
        ),
    }
    for what, response in answers.items():
        directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
        assert {"private", "no-store"} <= directives, (what, response.status_code, response.get("Cache-Control"))


def test_static_files_keep_their_public_cache(cast, login):
    response = login(cast.production_member).get("/static/intranet/bell.js")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]


# --- Live sockets open only from the site's exact origins -----------------------------------

LOCAL_SITE = [
    ("http://127.0.0.1:8000", True),
    ("http://localhost:8000", True),  # the same development server by its other name
    ("http://127.0.0.1:9", False),
    ("http://127.0.0.1", False),
    ("https://127.0.0.1:8000", False),
    ("http://evil.example:8000", False),
    ("null", False),
    ("", False),
]
PUBLIC_SITE = [
    ("https://intranet.example.org", True),
    ("https://intranet.example.org:443", True),
    ("https://membres.federation.example", True),  # CSRF_TRUSTED_ORIGINS, by a wildcard
    ("http://intranet.example.org", False),
    ("https://intranet.example.org:8443", False),
    ("http://membres.federation.example", False),
    ("https://evil.intranet.example.org", False),
    ("https://intranet.example.org.evil.example", False),
    ("https://localhost", False),
]


# A refused handshake goes through Channels' denier, which closes stale database connections of
# its worker thread: allowed here, since an earlier test of the process may have left one open.
REFUSALS_MAY_TOUCH_THE_DATABASE = pytest.mark.django_db


async def handshake(application, origin: str | None) -> bool:
    from channels.testing import WebsocketCommunicator

    headers = [] if origin is None else [(b"origin", origin.encode())]
    communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
    connected, _ = await communicator.connect()
    await communicator.disconnect()
    return connected


async def accepting(scope, receive, send):
    await receive()
    await send({"type": "websocket.accept"})
    await receive()


@pytest.mark.parametrize(("origin", "accepted"), LOCAL_SITE)
@REFUSALS_MAY_TOUCH_THE_DATABASE
async def test_a_socket_opens_from_the_development_servers_own_address_only(settings, origin, accepted):
    from realtime.origins import SiteOriginValidator

    settings.SITE_URL, settings.CSRF_TRUSTED_ORIGINS, settings.PRODUCTION = "http://127.0.0.1:8000", [], False
    assert await handshake(SiteOriginValidator(accepting), origin) is accepted


@pytest.mark.parametrize(("origin", "accepted"), PUBLIC_SITE)
@REFUSALS_MAY_TOUCH_THE_DATABASE
async def test_a_socket_opens_from_the_public_sites_exact_origins_only(settings, origin, accepted):
    from realtime.origins import SiteOriginValidator

    settings.SITE_URL, settings.PRODUCTION = "https://intranet.example.org/intranet", True  # its origin counts
    settings.CSRF_TRUSTED_ORIGINS = ["https://*.federation.example"]
    assert await handshake(SiteOriginValidator(accepting), origin) is accepted


@REFUSALS_MAY_TOUCH_THE_DATABASE
async def test_a_socket_without_origin_is_refused(settings):
    from realtime.origins import SiteOriginValidator

    assert not await handshake(SiteOriginValidator(accepting), None)


@REFUSALS_MAY_TOUCH_THE_DATABASE
async def test_the_served_application_refuses_another_port_of_the_same_host(settings):
    from intranet.asgi import application

    settings.SITE_URL = "http://127.0.0.1:8000"
    assert not await handshake(application, "http://127.0.0.1:9")
    assert not await handshake(application, "https://127.0.0.1:8000")


# --- A new password closes the pages of the person's other sessions --------------------------

OLD_PASSWORD, NEW_PASSWORD = "ancien-mot-de-passe-42", "nouveau-mot-de-passe-42"


async def page_socket(client):
    """The socket a page of this browser opens, past the greeting."""
    from channels.testing import WebsocketCommunicator
    from django.conf import settings

    from intranet.asgi import application

    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()
    communicator = WebsocketCommunicator(
        application, "/ws/", headers=[(b"origin", b"http://127.0.0.1:8000"), (b"cookie", cookie)]
    )
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from())["event"] == "hello"
    return communicator


@pytest.fixture
def person(association_bodies):
    from tests.factories import make_member, make_staff

    user = make_member(actor=make_staff(), college="production")
    user.set_password(OLD_PASSWORD)
    user.save()
    return user


@pytest.mark.django_db(transaction=True)
async def test_changing_my_password_closes_my_other_browsers_pages_and_keeps_this_ones(person):
    from asgiref.sync import sync_to_async

    from realtime.consumers import CLOSE_SESSION_ENDED

    here, elsewhere = await sync_to_async(signed_in)(person), await sync_to_async(signed_in)(person)
    page_here, page_elsewhere = await page_socket(here), await page_socket(elsewhere)
    response = await sync_to_async(here.post)(
        reverse("password_change"),
        {"old_password": OLD_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    closed = await page_elsewhere.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": CLOSE_SESSION_ENDED}
    assert await page_here.receive_nothing(timeout=0.2)
    # This browser's page follows its session's new key: logging out now closes it too.
    await sync_to_async(here.post)(reverse("logout"))
    assert await page_here.receive_output(timeout=5) == {"type": "websocket.close", "code": CLOSE_SESSION_ENDED}


@pytest.mark.django_db(transaction=True)
async def test_a_completed_password_reset_closes_every_page_of_the_person(person):
    from asgiref.sync import sync_to_async
    from django.contrib.auth.tokens import default_token_generator
    from django.test import Client
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from realtime.consumers import CLOSE_SESSION_ENDED

    page = await page_socket(await sync_to_async(signed_in)(person))
    link = reverse(
        "password_reset_confirm",
        args=[
            urlsafe_base64_encode(force_bytes(person.pk)),
            await sync_to_async(default_token_generator.make_token)(person),
        ],
    )
    stranger = Client()  # whoever holds the e-mail, signed in or not
    form = await sync_to_async(stranger.get)(link, follow=True)
    response = await sync_to_async(stranger.post)(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert await page.receive_output(timeout=5) == {"type": "websocket.close", "code": CLOSE_SESSION_ENDED}


def test_make_run_on_another_port_accepts_the_sockets_of_its_own_pages(db, monkeypatch, settings):
    from asgiref.sync import async_to_sync
    from django.core.management import call_command

    from intranet.management.commands import serve
    from realtime.origins import SiteOriginValidator

    monkeypatch.setenv("SITE_URL", "unset by the test")
    monkeypatch.delenv("SITE_URL")
    monkeypatch.delenv("SITE_URL_FILE", raising=False)
    served = []
    monkeypatch.setattr(serve.os, "execv", lambda path, command: served.append(serve.os.environ["SITE_URL"]))
    call_command("serve", "--host", "127.0.0.1", "--port", "8101", "--no-jobs")
    settings.SITE_URL, settings.CSRF_TRUSTED_ORIGINS = served[0], []  # what the server reads at start
    assert async_to_sync(handshake)(SiteOriginValidator(accepting), "http://127.0.0.1:8101")
    assert not async_to_sync(handshake)(SiteOriginValidator(accepting), "http://127.0.0.1:8000")
