"""Reads of a message's earlier versions, for its history page: each version rendered for its
reader (``[[doc:N]]`` references filled from what that reader may open), built once here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.safestring import SafeString

from documents.references import fill_references, get_referenced_documents_for_user
from forums.models import Post


@dataclass(frozen=True)
class Version:
    written_at: datetime
    body: SafeString


@dataclass(frozen=True)
class PostHistory:
    body: SafeString  # the message as it reads now
    versions: list[Version]  # the earlier ones, as the page lists them


def post_history(user, post: Post) -> PostHistory:
    revisions = list(post.revisions.all())
    documents = get_referenced_documents_for_user(
        user, [post.body_html, *(revision.body_html for revision in revisions)]
    )
    return PostHistory(
        body=fill_references(post.body_html, documents),
        versions=[
            Version(revision.written_at, fill_references(revision.body_html, documents)) for revision in revisions
        ],
    )
