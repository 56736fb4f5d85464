"""``/sante/`` for monitoring: answered without signing in and without a session, 200 when every
part of the installation answers and 503 naming the part that does not, never naming a machine,
a person or a path."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from intranet.models import SearchChange, WorkerHeartbeat

pytestmark = pytest.mark.django_db


def _beat(seconds_ago: float) -> None:
    moment = timezone.now() - timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.create(name="noeud-secret-1", pid=4242, started_at=moment, beat_at=moment)


def test_every_part_answering_is_a_200_without_a_session(client):
    _beat(5)
    response = client.get(reverse("health"))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["ok"] is True
    assert set(body["checks"]) == {"database", "channel_layer", "worker", "search_queue", "documents_disk"}
    assert body["checks"]["worker"]["seconds_since_last_report"] <= 6
    assert "sessionid" not in response.cookies and "no-cache" in response["Cache-Control"]
    assert "noeud-secret-1" not in response.content.decode() and "4242" not in response.content.decode()


def test_a_silent_worker_or_a_late_index_is_a_503_saying_which(client):
    response = client.get(reverse("health"))
    assert response.status_code == 503 and response.json()["checks"]["worker"]["ok"] is False
    _beat(10)
    SearchChange.objects.create(kind="post", object_id=1)
    SearchChange.objects.update(created_at=timezone.now() - timedelta(minutes=10))
    body = client.get(reverse("health")).json()
    assert body["checks"]["worker"]["ok"] is True
    assert body["checks"]["search_queue"] == {**body["checks"]["search_queue"], "ok": False, "pending": 1}
    assert body["ok"] is False


def test_a_failing_part_is_reported_not_raised(client, monkeypatch):
    from intranet import health

    _beat(1)

    def broken():
        raise ConnectionError("redis://secret-host:6379")

    monkeypatch.setitem(health.CHECKS, "channel_layer", broken)
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["checks"]["channel_layer"]["error"] == "ConnectionError"
    assert "secret-host" not in response.content.decode()
