"""The background worker: one loop for every app's jobs, its clean stop, and its heartbeat."""

from __future__ import annotations

import os
import signal
import sys
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from documents import extraction, selectors
from documents.jobs import TextExtraction
from documents.models import DocumentVersion, ExtractionStatus, Space
from documents.samples import pdf_bytes
from intranet import search
from intranet.checks import check_worker_heartbeat, worker_warnings
from intranet.jobs import Job, Report, registered_jobs
from intranet.models import WorkerHeartbeat
from intranet.worker import STALE_AFTER, Worker
from tests.factories import make_incoming


class Recorder:
    """A job that notes each of its passes, and has more to do as many times as it is told."""

    def __init__(self, ran: list[str], name: str, *, more: int = 0, then=None) -> None:
        self.ran, self.name, self.more, self.then = ran, name, more, then

    def __call__(self) -> Report:
        self.ran.append(self.name)
        if self.then:
            self.then()
        if self.more:
            self.more -= 1
            return Report(f"{self.name} did some", more=True)
        return Report()


def recording_worker(ran, *jobs: Job, **options) -> Worker:
    return Worker(jobs, say=ran.append, name="test-worker", **options)


@pytest.fixture
def folder(cast):
    return selectors.root_folder(Space.objects.get(slug="college-production"))


def test_the_worker_knows_every_apps_jobs():
    names = [job.name for job in registered_jobs()]
    assert names == [
        "search.index",
        "notifications.digests",
        "notifications.send",
        "documents.extract",
        "workflows.close_votes",
        "workflows.remind_votes",
    ]


@pytest.mark.django_db
def test_each_job_runs_once_per_tick_and_again_at_once_only_when_it_has_more():
    ran = []
    worker = recording_worker(
        ran,
        Job("queue", Recorder(ran, "queue", more=1), every=60, exclusive=False),
        Job("periodic", Recorder(ran, "periodic"), every=60),
    )
    worker.tick()
    assert ran == ["queue", "queue did some", "periodic"]
    ran.clear()
    worker.tick()  # the queue had more: it runs again at once; the periodic job waits its minute
    assert ran == ["queue"]
    ran.clear()
    worker.tick()
    assert ran == []


@pytest.mark.django_db
def test_a_job_that_fails_is_logged_and_the_others_still_run(caplog):
    ran = []

    def broken() -> Report:
        ran.append("broken")
        raise RuntimeError("the mail server is down")

    worker = recording_worker(
        ran, Job("broken", broken, every=0.01), Job("other", Recorder(ran, "other", more=1), every=0.01)
    )
    worker.tick()
    assert ran == ["broken", "other", "other did some"]
    assert "Job broken failed" in caplog.text
    ran.clear()
    worker.tick()  # the failed job waits a few seconds, not its usual hundredth of a second
    assert ran == ["other"]
    with pytest.raises(RuntimeError):  # --once (cron) stops with the error, for cron to report it
        worker.run(once=True)


@pytest.mark.django_db
def test_sigterm_stops_the_loop_after_the_current_job():
    ran = []

    def terminated_mid_job():
        os.kill(os.getpid(), signal.SIGTERM)
        ran.append("first finished its pass")

    previous = signal.getsignal(signal.SIGTERM)
    worker = recording_worker(
        ran,
        Job("first", Recorder(ran, "first", then=terminated_mid_job), every=0.01),
        Job("second", Recorder(ran, "second"), every=0.01),
    )
    worker.run()
    assert ran == ["first", "first finished its pass", "Worker stopped."]
    assert signal.getsignal(signal.SIGTERM) is previous
    assert not WorkerHeartbeat.objects.exists()  # stopped on purpose: not reported as gone


@pytest.mark.django_db
def test_the_worker_stops_when_the_server_that_started_it_is_gone(monkeypatch):
    ran = []
    worker = recording_worker(ran, Job("job", Recorder(ran, "job"), every=0.01), stop_with_parent=True)
    monkeypatch.setattr(os, "getppid", lambda: -1)
    worker.run()
    assert ran == ["Worker stopped."]


def upload_page(client, folder, name: str, data: bytes):
    return client.post(
        reverse("documents:folder_upload", args=[folder.pk]),
        data=data,
        content_type="application/octet-stream",
        headers={"X-File-Name": quote(name)},
    )


def test_an_upload_answers_before_its_text_is_read_and_the_worker_makes_the_text_searchable(
    cast, login, folder, monkeypatch, django_capture_on_commit_callbacks
):
    def no_reading(*args, **kwargs):
        raise AssertionError("text extraction ran inside the request")

    with monkeypatch.context() as request_only:
        request_only.setattr(extraction, "Reading", no_reading)
        request_only.setattr(extraction.subprocess, "run", no_reading)
        with django_capture_on_commit_callbacks(execute=True):
            response = upload_page(
                login(cast.production_member), folder, "programme.pdf", pdf_bytes("Rencontres ornithologiques")
            )
    assert response.status_code == 201, response.content
    version = DocumentVersion.objects.get(original_name="programme.pdf")
    assert version.extraction_status == ExtractionStatus.PENDING
    page = login(cast.production_member).get(reverse("documents:folder", args=[folder.pk])).content.decode()
    assert "Son texte est en cours de lecture pour la recherche." in page

    call_command("worker", "--once")

    version.refresh_from_db()
    assert version.extraction_status == ExtractionStatus.DONE
    hits = search.search(cast.production_member, "ornithologiques").hits
    assert [hit.display.title for hit in hits] == ["programme.pdf"]
    page = login(cast.production_member).get(reverse("documents:folder", args=[folder.pk])).content.decode()
    assert "Son texte est en cours de lecture pour la recherche." not in page


def test_two_workers_never_read_the_same_version(cast, folder):
    _document, version, _created = extraction_upload(cast, folder, "note.txt", b"Ordre du jour")
    first, second = TextExtraction(), TextExtraction()
    assert first() == Report(more=True)  # claimed, reading
    assert second() == Report()  # nothing left for the other worker
    while first.reading is not None:
        first()
    version.refresh_from_db()
    assert (version.extraction_status, version.extraction_attempts) == (ExtractionStatus.DONE, 1)
    assert "Ordre du jour" in version.extracted_text


def extraction_upload(cast, folder, name, data):
    from documents import actions

    return actions.upload_document(cast.production_member, folder=folder, incoming=make_incoming(name, data))


def test_a_long_reading_does_not_hold_up_the_other_jobs_and_a_stop_gives_it_back(cast, folder, monkeypatch):
    _document, version, _created = extraction_upload(cast, folder, "long.pdf", pdf_bytes("Long"))
    monkeypatch.setattr(
        extraction, "textread_command", lambda version, extension: [sys.executable, "-c", "import time; time.sleep(60)"]
    )
    reader = TextExtraction()
    ran = []
    worker = recording_worker(ran, Job("documents.extract", reader, every=1, exclusive=False, stop=reader.stop))

    def stop_after_three_passes():
        if ran.count("mail") == 3:
            worker.stopping = True

    worker.jobs.append(Job("mail", Recorder(ran, "mail", then=stop_after_three_passes), every=0.05))
    worker.next_run["mail"] = 0.0
    worker.run()
    assert ran.count("mail") == 3  # the mail job went on while the file was being read
    assert reader.reading is None  # given up at the stop…
    version.refresh_from_db()
    # …and back in the queue, as if never claimed: the next worker reads it at once.
    assert version.extraction_status == ExtractionStatus.PENDING
    assert (version.extraction_claimed_until, version.extraction_attempts) == (None, 0)
    assert extraction.pending_versions().filter(pk=version.pk).exists()


# --- The heartbeat ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_worker_beats_while_it_runs_and_a_run_for_cron_leaves_its_beat():
    ran = []
    worker = recording_worker(ran, Job("job", Recorder(ran, "job"), every=1))
    worker.run(once=True)
    beat = WorkerHeartbeat.objects.get(name="test-worker")
    assert beat.pid == os.getpid() and timezone.now() - beat.beat_at < timedelta(seconds=5)
    assert worker_warnings() == []


@pytest.mark.django_db
def test_no_worker_or_a_quiet_one_is_reported_by_the_check(settings):
    [missing] = worker_warnings()
    assert missing.id == "intranet.W001"
    now = timezone.now()
    WorkerHeartbeat.objects.create(name="node-a", pid=12, started_at=now, beat_at=now - timedelta(seconds=5))
    WorkerHeartbeat.objects.create(
        name="node-b", pid=34, started_at=now, beat_at=now - timedelta(seconds=STALE_AFTER + 60)
    )
    [stale] = worker_warnings(now)
    assert stale.id == "intranet.W002" and "node-b" in stale.msg and "180 s ago" in stale.msg
    # Only in production, and only when the check is asked to read the database.
    settings.PRODUCTION = True
    assert [w.id for w in check_worker_heartbeat(databases=["default"])] == ["intranet.W002"]
    assert check_worker_heartbeat(databases=None) == []
    settings.PRODUCTION = False
    assert check_worker_heartbeat(databases=["default"]) == []
