"""Where document files live on disk, and how an upload is moved into place.

An upload streams into ``incoming/`` (same file system as the final place), then
``place_incoming`` renames it under a generated name inside the transaction that creates its
row: a failure before the commit removes the file again, and a crash can only leave a file
without a row, which ``documents_check`` reports and removes.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings

INCOMING = "incoming"


def root() -> Path:
    return Path(settings.DOCUMENTS_ROOT)


def incoming_dir() -> Path:
    path = root() / INCOMING
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(stored_name: str) -> Path:
    return root() / stored_name


def new_stored_name() -> str:
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token[2:4]}/{token}"


def place_incoming(incoming_path: Path) -> str:
    """Move a finished upload to its final, generated name and return that name."""
    stored_name = new_stored_name()
    final = path_of(stored_name)
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(incoming_path, final)
    return stored_name


def delete_stored(stored_name: str) -> None:
    path_of(stored_name).unlink(missing_ok=True)


def stored_files() -> set[str]:
    """Every stored name present on disk (the incoming folder excluded)."""
    base = root()
    if not base.exists():
        return set()
    names = set()
    for directory, subdirectories, files in os.walk(base):
        if Path(directory) == base:
            subdirectories[:] = [name for name in subdirectories if name != INCOMING]
        for name in files:
            names.add(Path(directory, name).relative_to(base).as_posix())
    return names
