"""Forms of the document pages."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from documents.models import AccessLevel
from documents.uploads import NAME_MAX_LENGTH
from intranet.groups import group_labels, managed_groups
from intranet.models import User


class NameForm(forms.Form):
    # Long enough to receive a too-long name and say so with the action's message.
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX_LENGTH * 4, strip=False)
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DocumentForm(NameForm):
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class UploadForm(forms.Form):
    description = forms.CharField(
        label=_("Description (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MoveForm(forms.Form):
    target = forms.TypedChoiceField(label=_("Move to"), coerce=int)

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [(folder.pk, label) for folder, label in targets]


class GrantForm(forms.Form):
    """Grant to a person (typed, with suggestions) or to a group (chosen)."""

    person = forms.CharField(
        label=_("Person"),
        required=False,
        help_text=_("Type a name and pick from the suggestions, or type an e-mail address."),
        widget=forms.TextInput(attrs={"list": "people-suggestions", "autocomplete": "off"}),
    )
    group = forms.TypedChoiceField(label=_("or a group"), required=False, coerce=int, empty_value=None)
    level = forms.TypedChoiceField(label=_("Access"), choices=AccessLevel.choices, coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        groups = list(managed_groups())
        labels = group_labels(groups)
        self.fields["group"].choices = [
            ("", "—"),
            *sorted(((group.pk, labels[group.pk]) for group in groups), key=lambda choice: choice[1]),
        ]

    def clean(self):
        data = super().clean()
        person, group_id = (data.get("person") or "").strip(), data.get("group")
        if bool(person) == bool(group_id):
            raise forms.ValidationError(_("Choose one person or one group."))
        data["user"] = None
        data["group_object"] = None
        if person:
            # A suggestion ends with "(@handle)"; an e-mail address typed in full works too.
            match = re.search(r"\(@([^()\s]+)\)\s*$", person) or re.fullmatch(r"@([^()\s]+)", person)
            people = User.objects.filter(is_active=True)
            found = people.filter(handle=match.group(1).lower()) if match else people.filter(email__iexact=person)
            data["user"] = found.first()
            if data["user"] is None:
                self.add_error("person", _("No active member matches: pick a name from the suggestions."))
        else:
            data["group_object"] = Group.objects.get(pk=group_id)
        return data
