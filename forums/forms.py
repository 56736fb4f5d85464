"""Forms of the forum pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from forums.actions import TITLE_MAX_LENGTH
from forums.models import FollowLevel
from intranet.markdown import MAX_LENGTH

MARKDOWN_HELP = _("Markdown: **bold**, *italic*, > quote, - list, `code`, [link](https://…); @name mentions someone.")


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=MARKDOWN_HELP,
        error_messages={
            "required": _("Write a message first."),
            "max_length": _("A message is limited to %(limit_value)d characters (this one has %(show_value)d)."),
        },
    )


class ThreadForm(PostForm):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    field_order = ["title", "body"]


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        error_messages={
            "required": _("Say why the message is hidden."),
            "max_length": _("A reason is limited to %(limit_value)d characters (this one has %(show_value)d)."),
        },
    )


class FollowForm(forms.Form):
    level = forms.ChoiceField(choices=FollowLevel.choices)
