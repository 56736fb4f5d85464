"""The project's own exceptions. This module imports nothing of the project: every layer may
raise and catch them without tying itself to another."""

from __future__ import annotations


class ActionRefused(Exception):
    """The change cannot be made; ``message`` is shown to the person, in their language."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def add_to(self, form) -> None:
        """Show the refusal on the form: on its field when the form shows one, above it otherwise."""
        shown = self.field in form.fields and not form.fields[self.field].widget.is_hidden
        form.add_error(self.field if shown else None, self.message)
