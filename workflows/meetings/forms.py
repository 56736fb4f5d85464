"""The meeting pages' forms: shapes and labels only; every rule is the actions' and policies'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from intranet.models import User
from workflows.meetings.models import Answer, ItemKind, MeetingSettings
from workflows.models import BallotChoice


class PlanForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    video_link = forms.URLField(label=_("Video link"), max_length=500, required=False, assume_scheme="https")


class RulesForm(forms.ModelForm):
    """The statutes' rules of the meetings, for staff (the limits are the models' and the action's)."""

    class Meta:
        model = MeetingSettings
        fields = ["convocation_days", "max_proxies_held", "quorum_percent"]


class FreeItemForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[(ItemKind.INFORMATION, _("information")), (ItemKind.OTHER, _("other business"))]
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    notes = forms.CharField(
        label=_("Notes"),
        help_text=_("Markdown: link the item's documents by their address, e.g. [Budget](/documents/documents/12/)."),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ConveneForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirm_late = forms.BooleanField(
        label=_("Convene it all the same, later than the statutes' notice"), required=False
    )


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(label=_("My answer"), choices=Answer.choices, widget=forms.RadioSelect)
    proxy_to = forms.ModelChoiceField(label=_("Proxy to"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proxy_to"].queryset = User.objects.filter(pk__in=[person.pk for person in choices])


class PresenceForm(forms.Form):
    present = forms.MultipleChoiceField(
        label=_("Present in the room"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, board=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(str(person.pk), person.get_full_name()) for person in board]


class VoteForm(forms.Form):
    """The counts of a vote held in the room; the president's vote only matters on a tie."""

    votes_for = forms.IntegerField(label=_("For"), min_value=0, max_value=999)
    votes_against = forms.IntegerField(label=_("Against"), min_value=0, max_value=999)
    abstentions = forms.IntegerField(label=_("Abstentions"), min_value=0, max_value=999)
    president_choice = forms.ChoiceField(
        label=_("The president's vote (decides a tie when the rules say so)"),
        choices=[("", _("not given")), *BallotChoice.choices],
        required=False,
    )


class MinutesForm(forms.Form):
    text = forms.CharField(
        label=_("Minutes"),
        help_text=_("Markdown: # a section, ## an item, - a list line, **bold**."),
        widget=forms.Textarea(attrs={"rows": 18}),
        strip=False,
    )
    public_to_members = forms.BooleanField(label=_("Every member reads them once approved"), required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RollCallForm(forms.Form):
    """A vote by roll call: each voter in the room (present, or represented by the holder of their
    proxy) and their choice; those left on "does not vote" are not counted."""

    def __init__(self, *args, voters=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("does not vote")), *BallotChoice.choices]
        for member, holder in voters:
            label = member.get_full_name()
            if holder is not None:
                label = _("%(name)s (proxy held by %(holder)s)") % {"name": label, "holder": holder.get_full_name()}
            self.fields[f"voter_{member.pk}"] = forms.ChoiceField(label=label, choices=choices, required=False)

    def ballots(self) -> dict[int, str]:
        return {int(name.removeprefix("voter_")): choice for name, choice in self.cleaned_data.items() if choice}
