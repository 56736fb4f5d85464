"""Rows the machinery keeps beside the association's data: the search queue and the PostgreSQL
search entries, the worker's heartbeat, the navigation's counts and the home's visits. Models
of the ``intranet`` app (``intranet.models`` imports them)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchChange(models.Model):
    """Something to (re)index or remove from the search index, written in the transaction of the
    change itself so that nothing is lost; the indexer applies and deletes these in batches."""

    kind = models.CharField(max_length=20)
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pending search update")
        verbose_name_plural = _("pending search updates")

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"


class SearchEntry(models.Model):
    """One searchable item in the PostgreSQL search engine (``SEARCH_BACKEND = "postgres"``):
    the shared engine when several nodes serve the intranet. Unused with the Whoosh engine."""

    key = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=20)
    object_id = models.PositiveBigIntegerField()
    scope = models.CharField(max_length=40, db_index=True)
    colleges = models.TextField(blank=True)  # " slug other-slug ": matched with its spaces
    author_id = models.PositiveBigIntegerField(null=True)
    date = models.DateTimeField(null=True)
    title = models.TextField(blank=True)
    body = models.TextField(blank=True)
    # Weighted words of title (A) and body (B) in the "intranet_french" configuration (French
    # stems after unaccent); its GIN index and the configuration exist on PostgreSQL only.
    vector = SearchVectorField(null=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self) -> str:
        return self.key


class WorkerHeartbeat(models.Model):
    """The last sign of life of the background worker on one machine (``intranet.worker``),
    written every few seconds; ``manage.py check --deploy`` warns when it is old or missing."""

    name = models.CharField(max_length=100, unique=True)  # the machine's host name
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField()

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return self.name


class NavigationCount(models.Model):
    """One app's part of one of the navigation's counts ("tasks", "notifications") for one person,
    kept so that a page reads it instead of counting (``intranet.counters``). ``version`` moves each time it is
    made stale, so that a recount that raced with a change never hides it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=40)
    # The app counting this part of the count (the database's default: rows of older code).
    part = models.CharField(max_length=40, default="", db_default="")
    value = models.PositiveIntegerField(default=0)
    stale = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=0)
    # Recounted after this moment even if nothing changed: a convocation stops waiting when its
    # meeting starts.
    recount_after = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("navigation count")
        verbose_name_plural = _("navigation counts")
        constraints = [models.UniqueConstraint(fields=["user", "name", "part"], name="one_navigation_count_per_part")]

    def __str__(self) -> str:
        return f"{self.name} ({self.part}): {self.value}"


class HomeVisit(models.Model):
    """When the person last looked at their home page, and where their "since my last visit"
    starts: the visit before a pause of a few hours (``intranet.activity``)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+")
    since = models.DateTimeField()
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.since:%Y-%m-%d %H:%M}"
