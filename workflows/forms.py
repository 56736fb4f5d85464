"""Forms of the workflow pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from intranet.models import College
from workflows.models import VoteResult


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
