"""``{% address "forums:thread" thread.pk %}``: ``{% url %}`` for the templates rendered most
(the navigation on every page, rows of lists, posts), for a view of no argument or one. The
pattern is resolved once (``intranet.links.address``), where ``{% url %}`` walks the URL patterns
at every use."""

from __future__ import annotations

from django import template

from intranet import links

register = template.Library()


@register.simple_tag
def address(name: str, value: object = None) -> str:
    return links.address(name, value)
