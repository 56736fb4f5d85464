"""The API's JSON parser: a body nested too deeply for Python's parser is a 400, not a 500."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            # json.load recurses once per level: thousands of "[" exhaust the stack.
            raise ParseError(_("The JSON body is nested too deeply.")) from None
