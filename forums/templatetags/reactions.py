"""``{% reaction_picker %}``: the buttons of the reactions offered under a post."""

from functools import lru_cache

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from forums.models import ReactionKind

register = template.Library()


@lru_cache(maxsize=16)
def _picker(language: str | None) -> SafeString:
    """The same buttons under every post and in every live frame: rendered once per language
    (the argument is the cache's key), not once per post."""
    choices = [(kind, emoji, _("React with %(emoji)s") % {"emoji": emoji}) for kind, emoji in ReactionKind.choices]
    return render_to_string("forums/_reaction_picker.html", {"choices": choices})


@register.simple_tag
def reaction_picker() -> SafeString:
    return _picker(get_language())
