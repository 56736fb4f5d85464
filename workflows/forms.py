"""Forms of the workflow pages."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from intranet.models import College
from workflows.models import BallotChoice, Decision, VoteResult, VoteSettings


class RegisterFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    college = forms.ChoiceField(label=_("Collège"), required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("all")), (VoteResult.ADOPTED, _("adopted")), (VoteResult.REJECTED, _("rejected"))],
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("all")), *((year, str(year)) for year in years)]
        self.fields["college"].choices = [
            ("", _("all")),
            *College.objects.order_by("position", "name").values_list("slug", "name"),
        ]


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    body = forms.CharField(
        label=_("Full text"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Markdown: **bold**, *italic*, - list, [link](https://…); [[doc:12]] mentions a document."),
    )
    budget = forms.DecimalField(
        label=_("Budget (€, optional)"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    wished_decision_date = forms.DateField(
        label=_("Wished decision date (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    amends = forms.ModelChoiceField(
        label=_("Amends the decision (optional)"),
        queryset=Decision.objects.none(),
        required=False,
        to_field_name="number",
    )
    repeals = forms.ModelChoiceField(
        label=_("Repeals the decision (optional)"),
        queryset=Decision.objects.none(),
        required=False,
        to_field_name="number",
    )
    creation_key = forms.UUIDField(widget=forms.HiddenInput, required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only adopted decisions are in force, and so can be amended or repealed.
        in_force = Decision.objects.filter(outcome=VoteResult.ADOPTED).order_by("-year", "-sequence")
        for name in ("amends", "repeals"):
            self.fields[name].queryset = in_force
            self.fields[name].label_from_instance = lambda decision: f"{decision.number} — {decision.title}"


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision of the collège"),
        choices=[
            ("forward", _("Forward to the board")),
            ("return", _("Return to the author for changes")),
            ("decline", _("Decline")),
        ],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Recommendation, changes requested or reason"), widget=forms.Textarea(attrs={"rows": 3})
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)


class OpenVoteForm(forms.Form):
    deadline = forms.DateTimeField(
        label=_("Deadline"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )


class BallotForm(forms.Form):
    choice = forms.ChoiceField(label=_("Your vote"), choices=BallotChoice.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=1000)


class VoteSettingsForm(forms.ModelForm):
    class Meta:
        model = VoteSettings
        fields = ["quorum_percent", "abstentions_count_for_quorum", "majority", "president_casting_vote"]


class AttachDocumentForm(forms.Form):
    """A document of the spaces, by its number: "42", "#42", "[[doc:42]]" or a suggestion
    "Budget.pdf (#42)"."""

    document = forms.CharField(
        label=_("Document to attach"),
        max_length=300,
        help_text=_("Its number (the N of [[doc:N]] on the document's page), or pick one of the suggestions."),
        widget=forms.TextInput(attrs={"list": "attachable-documents", "autocomplete": "off"}),
    )

    def clean_document(self) -> int:
        match = re.search(r"(\d+)\s*(?:\)|\]\])?$", self.cleaned_data["document"].strip())
        if match is None:
            raise forms.ValidationError(_("Give the document's number, for example #42."))
        return int(match.group(1))
