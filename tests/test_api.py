"""The core API: collèges, the directory, search, notifications, the schema and its docs; tokens,
sessions with CSRF, throttling and bad input."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from forums import actions as forum_actions
from forums.models import Forum
from intranet import actions
from intranet.models import ApiToken, Profile, Skill
from intranet.notifications.models import Notification
from intranet.search import indexer
from tests.api import ROLES, Case, everyone, run_case, token_client
from tests.factories import make_member
from tests.helpers import speaking

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    forum = Forum.objects.get(slug="production")
    thread = forum_actions.start_thread(cast.production_member, forum=forum, title="Cinéma et élèves", body="Projet")
    forum_actions.reply(cast.coordinator, thread=thread, body=f"@{cast.production_member.handle} oui")
    while indexer.apply_pending():
        pass
    return {"cast": cast, "thread": thread, "notification": Notification.objects.get()}


def _only_production_sees_the_thread(world, role, response):
    titles = [hit["title"] for hit in response.json()["results"]]
    found = any("Cinéma" in title for title in titles)
    assert found == (role in ("member", "coordinator", "staff")), (role, titles)


def _own_notifications_only(world, role, response):
    ids = [item["id"] for item in response.json()["results"]]
    assert ids == ([world["notification"].pk] if role == "member" else [])


def _news_of_production_for_its_readers(world, role, response):
    body = response.json()
    titles = [line["title"] for place in body["places"] for kind in place["kinds"] for line in kind["lines"]]
    assert ("Cinéma et élèves" in titles) == (role in ("member", "coordinator", "staff")), (role, titles)
    mentions = [item["title"] for item in body["waiting"] if item["kind"] == "mention"]
    assert mentions == (["Cinéma et élèves"] if role == "member" else []), (role, mentions)


ROLE_CASES = {
    "api:colleges": Case("get", lambda w: "/api/v1/colleges/", everyone(200)),
    "api:college": Case("get", lambda w: "/api/v1/colleges/production/", everyone(200)),
    "api:members": Case("get", lambda w: "/api/v1/members/", everyone(200)),
    "api:member": Case("get", lambda w: f"/api/v1/members/{w['cast'].coordinator.pk}/", everyone(200)),
    "api:search": Case(
        "get", lambda w: "/api/v1/search/?q=cinema", everyone(200), check=_only_production_sees_the_thread
    ),
    "api:notifications": Case("get", lambda w: "/api/v1/notifications/", everyone(200), check=_own_notifications_only),
    "api:notifications_read": Case(
        "post", lambda w: "/api/v1/notifications/read/", everyone(200), data=lambda w: {"ids": [w["notification"].pk]}
    ),
    "api:notifications_read_all": Case("post", lambda w: "/api/v1/notifications/read-all/", everyone(200)),
    "api:notification_preferences": Case("get", lambda w: "/api/v1/notifications/preferences/", everyone(200)),
    "api:my_activity": Case(
        "get", lambda w: "/api/v1/me/activity/", everyone(200), check=_news_of_production_for_its_readers
    ),
    "api:schema": Case("get", lambda w: "/api/schema/", everyone(200), format=None),
    "api:docs": Case("get", lambda w: "/api/docs/", everyone(200), format=None),
}


# The other methods of a route, and the addresses no route matches.
MORE_CASES = {
    "an unknown address": Case("get", lambda w: "/api/v1/nothing/", everyone(404, anonymous=404)),
    "an unknown period of activity": Case("get", lambda w: "/api/v1/me/activity/?period=365", everyone(400)),
    "change my preferences": Case(
        "patch", lambda w: "/api/v1/notifications/preferences/", everyone(200), data=lambda w: {"reply": "never"}
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", sorted(ROLE_CASES) + sorted(MORE_CASES))
def test_role_cast(route, role, world, cast):
    run_case({**ROLE_CASES, **MORE_CASES}[route], world, cast, role)


# --- Bodies ---------------------------------------------------------------------------------


def test_a_member_is_shown_with_the_contact_details_their_profile_allows(cast):
    body = token_client(cast.diffusion_member).get(f"/api/v1/members/{cast.coordinator.pk}/").json()
    assert body["name"] == cast.coordinator.get_full_name()
    assert body["colleges"] == [{"college": "production", "role": "coordinator"}]
    assert body["contact"].get("email") == cast.coordinator.email  # shown by default
    assert "phone" not in body["contact"]


def test_a_deactivated_member_is_not_found_like_a_missing_one(cast):
    actions.deactivate_member(cast.staff, user=cast.outsider)
    client = token_client(cast.production_member)
    gone, missing = client.get(f"/api/v1/members/{cast.outsider.pk}/"), client.get("/api/v1/members/999999/")
    assert gone.status_code == missing.status_code == 404
    assert gone.json() == missing.json()


def test_marking_someone_elses_notification_read_changes_nothing(world, cast):
    response = token_client(cast.diffusion_member).post(
        "/api/v1/notifications/read/", {"ids": [world["notification"].pk]}, format="json"
    )
    assert response.status_code == 200
    world["notification"].refresh_from_db()
    assert world["notification"].read_at is None


def test_preferences_change_through_the_api_and_unknown_values_are_refused(cast):
    client = token_client(cast.production_member)
    response = client.patch("/api/v1/notifications/preferences/", {"reply": "immediately"}, format="json")
    assert response.status_code == 200 and response.json()["reply"] == "immediately"
    for bad in ({"reply": "weekly"}, {"fortnightly": "never"}, ["reply"], {"reply": 3}):
        response = client.patch("/api/v1/notifications/preferences/", bad, format="json")
        assert response.status_code == 400, bad
        assert response.json()["code"] == "invalid"


def test_search_with_bad_input_answers_400_or_a_note_never_500(cast):
    client = token_client(cast.production_member)
    assert client.get("/api/v1/search/?q=" + "a" * 5000).status_code == 200
    assert client.get('/api/v1/search/?q="unbalanced').status_code == 200
    response = client.get("/api/v1/search/?q=x&since=hier")
    assert response.status_code == 400 and "since" in response.json()["errors"]
    assert client.get("/api/v1/search/?q=&kind=nothing").status_code == 400


def test_the_directory_is_ordered_by_name_either_way(cast):
    client = token_client(cast.production_member)

    def names(query: str) -> list[tuple[str, str]]:
        body = client.get(f"/api/v1/members/?page_size=200{query}").json()
        return [tuple(reversed(result["name"].split(" ", 1))) for result in body["results"]]

    by_name = names("")
    assert len(by_name) > 5 and by_name == sorted(by_name)
    assert names("&ordering=name") == by_name
    assert names("&ordering=-name") == list(reversed(by_name))
    for bad in ("nom", "-last_name", "name,-name"):
        response = client.get(f"/api/v1/members/?ordering={bad}")
        assert response.status_code == 400, bad
        assert response.json()["code"] == "invalid" and "ordering" in response.json()["errors"]


# --- Query counts: the same for a few rows and for many ---------------------------------------


def test_the_directory_costs_the_same_queries_for_more_members(cast, django_assert_max_num_queries):
    # Staff see every contact detail: a viewer of their own, asked once for the page.
    client, staff = token_client(cast.production_member), token_client(cast.staff)
    with django_assert_max_num_queries(6):
        few = client.get("/api/v1/members/").json()
    with django_assert_max_num_queries(11):
        staff.get("/api/v1/members/?ordering=-name")
    skills = [Skill.objects.create(name=f"Compétence {n}", slug=f"competence-{n}") for n in range(3)]
    for number in range(12):
        member = make_member(
            actor=cast.staff,
            college=("production", "diffusion", "education")[number % 3],
            territory="33",
            email=f"annuaire{number}@example.org",
        )
        member.profile.skills.set(skills[: number % 4])
        Profile.objects.filter(user=member).update(phone="05 56 00 00 00", show_phone=True, website="https://a.fr")
    with django_assert_max_num_queries(6):
        many = client.get("/api/v1/members/").json()
    assert many["count"] == len(many["results"]) == few["count"] + 12
    with django_assert_max_num_queries(11):
        staff.get("/api/v1/members/?ordering=-name")


def test_notifications_cost_the_same_queries_for_more_of_them(world, cast, django_assert_max_num_queries):
    client = token_client(cast.production_member)
    with django_assert_max_num_queries(7):
        assert client.get("/api/v1/notifications/").json()["count"] == 1
    forum = Forum.objects.get(slug="production")
    for number in range(6):
        thread = forum_actions.start_thread(
            cast.coordinator, forum=forum, title=f"Sujet {number}", body=f"@{cast.production_member.handle} à voir"
        )
        forum_actions.reply(cast.coordinator, thread=thread, body=f"@{cast.production_member.handle} relance")
    Notification.objects.filter(pk=world["notification"].pk).update(read_at=timezone.now())
    with django_assert_max_num_queries(7):
        body = client.get("/api/v1/notifications/").json()
    assert body["count"] >= 7 and len({item["text"] for item in body["results"]}) >= 6
    with django_assert_max_num_queries(7):
        client.get("/api/v1/notifications/?unread=1")


def test_the_colleges_cost_the_same_queries_for_more_of_them(cast, django_assert_max_num_queries):
    client = token_client(cast.production_member)
    with django_assert_max_num_queries(3):
        few = client.get("/api/v1/colleges/").json()
    for number in range(10):
        actions.create_college(cast.staff, name=f"Collège {number}", slug=f"college-{number}", position=number)
    with django_assert_max_num_queries(3):
        assert len(client.get("/api/v1/colleges/").json()) == len(few) + 10


# --- Tokens and sessions --------------------------------------------------------------------


def test_a_member_creates_names_and_revokes_a_token_on_their_profile(cast, login):
    client = login(cast.production_member)
    response = client.post(reverse("api_tokens"), {"name": "Site web"})
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    page = response.content.decode()
    secret = page.split("data-new-token")[0].rsplit('value="', 1)[1].split('"')[0]
    assert secret.startswith("fi_")
    token = ApiToken.objects.get(user=cast.production_member)
    assert token.name == "Site web" and secret not in token.key_hash  # only its hash is kept
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/colleges/").status_code == 200
    # Shown once: the list shows only its beginning.
    assert secret not in client.get(reverse("api_tokens")).content.decode()
    client.post(reverse("api_token_revoke", args=[token.pk]))
    response = api.get("/api/v1/colleges/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Ce jeton d'API a été révoqué."


def test_someone_elses_token_cannot_be_revoked(cast, login):
    token, _secret = actions.create_api_token(cast.coordinator, name="Tableur")
    assert login(cast.production_member).post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_empty_token_name_is_refused_on_the_page(cast, login):
    response = login(cast.production_member).post(reverse("api_tokens"), {"name": "   "})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "header",
    ["Bearer fi_nimportequoi", "Bearer", "Bearer a b", "Token fi_x", "Bearer \xe9t\xe9"],
)
def test_unknown_or_malformed_tokens_get_401_with_a_message(cast, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/colleges/")
    assert response.status_code == 401
    assert response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_says_so(cast):
    token, secret = actions.create_api_token(cast.production_member, name="Ancien")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = client.get("/api/v1/colleges/")
    assert response.status_code == 401 and "expiré" in response.json()["detail"]


def test_a_deactivated_members_token_stops_working(cast):
    client = token_client(cast.production_member)
    actions.deactivate_member(cast.staff, user=cast.production_member)
    assert client.get("/api/v1/colleges/").status_code == 401


def test_the_session_works_and_needs_its_csrf_token_to_write(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.production_member, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/api/v1/colleges/").status_code == 200
    response = client.post("/api/v1/notifications/read-all/", content_type="application/json")
    assert response.status_code == 403
    detail = response.json()["detail"]
    assert detail.startswith("La vérification de sécurité de la session (CSRF) a refusé cette requête")
    assert detail.endswith("(CSRF cookie not set.)")  # Django's reason, for whoever sets the site up
    speaking(cast.production_member, "en")
    english = client.post("/api/v1/notifications/read-all/", content_type="application/json")
    assert "the token a page of the site gives in the X-CSRFToken header" in english.json()["detail"]


def test_each_token_and_each_person_has_its_own_budget(cast, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"member": "3/minute", "anonymous": "3/minute"},
    }
    from django.core.cache import cache
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    cache.clear()
    rates = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    try:
        first, second = token_client(cast.production_member), token_client(cast.production_member)
        statuses = [first.get("/api/v1/colleges/").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        assert first.get("/api/v1/colleges/").json()["detail"]
        assert second.get("/api/v1/colleges/").status_code == 200  # another token, another budget
        # With the session, the budget is the person's, whatever the page or client.
        session_one, session_two = Client(), Client()
        for client in (session_one, session_two):
            client.force_login(cast.coordinator, backend="django.contrib.auth.backends.ModelBackend")
        statuses = [client.get("/api/v1/colleges/").status_code for client in (session_one, session_two) * 2]
        assert statuses == [200, 200, 200, 429]
        other = Client()
        other.force_login(cast.diffusion_member, backend="django.contrib.auth.backends.ModelBackend")
        assert other.get("/api/v1/colleges/").status_code == 200  # another person, another budget
    finally:
        # The rates are read once, into the class: the next tests in this process get theirs back.
        SimpleRateThrottle.THROTTLE_RATES = rates
        cache.clear()


def test_wrong_types_and_huge_bodies_get_4xx_json(cast, settings):
    client = token_client(cast.production_member)
    response = client.post("/api/v1/notifications/read/", {"ids": "tous"}, format="json")
    assert response.status_code == 400 and "ids" in response.json()["errors"]
    response = client.post("/api/v1/notifications/read/", b"{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["detail"]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/api/v1/notifications/read/", {"ids": list(range(1, 400))}, format="json")
    assert response.status_code in (400, 413) and response.json()["detail"]


def test_unknown_api_addresses_and_methods_answer_json(cast):
    client = token_client(cast.production_member)
    for path in ("/api/v1/nothing/", "/api/v1/threads/abc/", "/api/v2/colleges/"):
        response = client.get(path)
        assert response.status_code == 404 and response.json()["code"] == "not_found", path
    assert client.post("/api/v1/nothing/", {}, format="json").status_code == 404
    response = client.options("/api/v1/proposals/")
    assert response.status_code == 405 and response.json()["detail"]
    assert client.delete("/api/v1/colleges/").status_code == 405


def test_the_docs_page_loads_its_assets_from_our_own_server(cast):
    client = token_client(cast.production_member)
    page = client.get("/api/docs/").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets and all(asset.startswith("/") for asset in assets), assets
    assert any("swagger-ui" in asset for asset in assets)
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_the_schema_describes_every_endpoint_with_its_errors(cast):
    import yaml

    schema = yaml.safe_load(token_client(cast.production_member).get("/api/schema/").content)
    operations = [op for item in schema["paths"].values() for op in item.values() if isinstance(op, dict)]
    assert len(operations) > 40
    for operation in operations:
        assert operation.get("summary"), operation["operationId"]
        assert {"401", "404"} <= set(operation["responses"]), operation["operationId"]
    assert schema["components"]["securitySchemes"]["personalToken"]["scheme"] == "bearer"


def _json_schema(schema, components: dict, seen=()):
    """An OpenAPI 3.0 schema as JSON Schema, its references resolved, ``nullable`` as a type, and
    no property beyond those described (so an example cannot carry a key the API does not send)."""
    if isinstance(schema, list):
        return [_json_schema(item, components, seen) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        assert name not in seen, f"recursive component {name}"
        return _json_schema(components[name], components, (*seen, name))
    converted = {key: _json_schema(value, components, seen) for key, value in schema.items()}
    for word in ("readOnly", "writeOnly", "example", "examples"):
        converted.pop(word, None)
    if "properties" in converted and "additionalProperties" not in converted:
        converted["additionalProperties"] = False
    if converted.pop("nullable", False):
        converted = {"anyOf": [converted, {"type": "null"}]}
    return converted


def _examples(content: dict) -> list:
    found = [content["example"]] if "example" in content else []
    return found + [example["value"] for example in content.get("examples", {}).values()]


def test_every_endpoint_has_examples_in_the_shape_it_answers(cast):
    import jsonschema
    import yaml

    schema = yaml.safe_load(token_client(cast.production_member).get("/api/schema/").content)
    components = schema["components"]["schemas"]
    without, checked = [], 0
    for path, item in schema["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in item.items():
            bodies = [("request", operation.get("requestBody", {}).get("content", {}))]
            bodies += [(code, response.get("content", {})) for code, response in operation["responses"].items()]
            examples = 0
            for where, content in bodies:
                for media_type, described in content.items():
                    for value in _examples(described):
                        examples += 1
                        checked += 1
                        try:
                            jsonschema.validate(value, _json_schema(described["schema"], components))
                        except jsonschema.ValidationError as error:
                            pytest.fail(f"{method.upper()} {path} {where} {media_type}: {error.message}")
            if not examples:
                without.append(f"{method.upper()} {path}")
    assert without == [], "operations without an example"
    assert checked > 50


def test_my_activity_asks_the_reader_s_roles_and_forums_once(world, cast, django_assert_max_num_queries):
    """The API's activity is one moment, like the home: its sources' questions about the reader
    (collèges, board, readable forums) are read once, not by each source, however many forums."""
    client = token_client(cast.production_member)
    client.get("/api/v1/me/activity/?period=30")  # counts the navigation's counts once
    with django_assert_max_num_queries(15) as first:
        body = client.get("/api/v1/me/activity/?period=30").json()
    asked = len(first.captured_queries)  # read now: the next request forgets them
    assert any(place["slug"] == "production" for place in body["places"])
    for number in range(3):
        actions.create_college(cast.staff, name=f"Atelier {number}", slug=f"atelier-{number}", position=10 + number)
    client.get("/api/v1/me/activity/?period=30")
    with django_assert_max_num_queries(asked):
        client.get("/api/v1/me/activity/?period=30")
