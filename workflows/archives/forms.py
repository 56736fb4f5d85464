"""Forms of the archive's pages: browsing, the offer and its list, and each step of the process."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from intranet.models import Territory, User
from workflows.archives.items import (
    MAX_COUNT,
    MAX_DURATION_MINUTES,
    SUBJECTS_MAX_LENGTH,
    ItemDraft,
    unplaced_item_message,
)
from workflows.archives.models import (
    CONTACT_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    QUEUED_STATES,
    Damage,
    Digitisation,
    FondsStatus,
    Format,
    Sound,
    Transfer,
    Use,
)


class CatalogueFilterForm(forms.Form):
    """Browse by place, decade and format; staff also by where a fonds is in its process."""

    territory = forms.TypedChoiceField(label=_("Place"), required=False, coerce=int, empty_value=None)
    decade = forms.TypedChoiceField(label=_("Decade"), required=False, coerce=int, empty_value=None)
    format = forms.ChoiceField(label=_("Format"), required=False)
    status = forms.ChoiceField(label=_("Stage"), required=False)

    def __init__(self, *args, territories, decades, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["territory"].choices = everything + [(territory.pk, str(territory)) for territory in territories]
        self.fields["decade"].choices = everything + [
            (decade, _("%(decade)ss") % {"decade": decade}) for decade in decades
        ]
        self.fields["format"].choices = everything + list(Format.choices)
        if staff:
            self.fields["status"].choices = everything + list(FondsStatus.choices)
        else:
            del self.fields["status"]


class OfferForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_("Such as “Films of the Martin family” or a company's name.")
    )
    description = forms.CharField(
        label=_("What is it? (optional)"),
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    depositor_name = forms.CharField(label=_("Depositor"), max_length=200, required=False)
    depositor_contact = forms.CharField(
        label=_("Depositor's address, e-mail and phone"),
        required=False,
        max_length=CONTACT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, for_someone_else: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if for_someone_else:
            self.fields["depositor_name"].required = True
            self.fields["depositor_name"].help_text = _("The person, family or company who deposits.")
        else:  # a member offers their own archives: their name is the depositor's
            del self.fields["depositor_name"], self.fields["depositor_contact"]


def subjects_field() -> forms.CharField:
    return forms.CharField(
        label=_("Subjects"),
        max_length=SUBJECTS_MAX_LENGTH,
        required=False,
        help_text=_("What it shows, as keywords separated by commas: “village fête, grape harvest”."),
    )


class ItemForm(forms.Form):
    """A line of the pre-deposit list; an empty line is skipped."""

    title = forms.CharField(label=_("Title or subject"), max_length=300, required=False)
    author = forms.CharField(label=_("Author"), max_length=200, required=False)
    format = forms.ChoiceField(label=_("Format"), required=False, choices=[("", "—"), *Format.choices])
    count = forms.IntegerField(label=_("Reels or items"), required=False, min_value=1, max_value=MAX_COUNT)
    year_from = forms.IntegerField(label=_("Year (or first year)"), required=False)
    year_to = forms.IntegerField(label=_("Last year"), required=False)
    subjects = subjects_field()
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    territory = forms.ModelChoiceField(label=_("Département"), queryset=Territory.objects.all(), required=False)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), required=False, min_value=1, max_value=MAX_DURATION_MINUTES
    )
    sound = forms.ChoiceField(label=_("Sound"), choices=Sound.choices, initial=Sound.UNKNOWN)
    declared_condition = forms.CharField(label=_("Condition as declared"), max_length=500, required=False)

    def draft(self) -> ItemDraft | None:
        data = self.cleaned_data
        typed = ("title", "author", "format", "count", "year_from", "place", "subjects")
        if not any(data.get(name) for name in typed):
            return None
        return ItemDraft(
            title=data["title"],
            format=data["format"],
            count=data["count"],
            author=data["author"],
            year_from=data["year_from"],
            year_to=data["year_to"],
            place=data["place"],
            territory_id=data["territory"].pk if data["territory"] else None,
            duration_minutes=data["duration_minutes"],
            sound=data["sound"],
            declared_condition=data["declared_condition"],
            subjects=data["subjects"],
        )


MAX_ITEM_LINES = 200  # a longer list is recorded by staff in several times
ItemFormSet = forms.formset_factory(
    ItemForm, extra=3, max_num=MAX_ITEM_LINES, absolute_max=MAX_ITEM_LINES, validate_max=True
)


def offer_as_typed(data, *, prefix: str, more: int, for_someone_else: bool) -> tuple[OfferForm, forms.BaseFormSet]:
    """The offer's form and list as typed, with ``more`` empty lines, not checked: asking for
    more lines is no sending, so nothing half typed is called wrong yet."""
    form = OfferForm(
        initial={name: data.get(name, "") for name in OfferForm.base_fields}, for_someone_else=for_someone_else
    )
    total = data.get(f"{prefix}-TOTAL_FORMS", "")
    shown = min(int(total) if total.isascii() and total.isdigit() else 0, MAX_ITEM_LINES)  # a number the page wrote
    typed = [
        {name: data[f"{prefix}-{index}-{name}"] for name in ItemForm.base_fields if f"{prefix}-{index}-{name}" in data}
        for index in range(shown)
    ]
    items = ItemFormSet(initial=typed, prefix=prefix)
    items.extra = max(0, min(shown + more, MAX_ITEM_LINES) - shown)
    return form, items


class RevisionForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TriageForm(RevisionForm):
    decision = forms.ChoiceField(
        label=_("Decision"), widget=forms.RadioSelect, choices=[("assign", _("Assign to")), ("decline", _("Decline"))]
    )
    archivist = forms.ModelChoiceField(label=_("Archivist"), queryset=User.objects.none(), required=False)
    reason = forms.CharField(
        label=_("Reason (if declined)"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["archivist"].queryset = User.objects.filter(is_staff=True, is_active=True).order_by(
            "last_name", "first_name"
        )


class AppraisalForm(forms.Form):
    retained = forms.TypedChoiceField(
        label=_("Retained?"),
        widget=forms.RadioSelect,
        coerce=lambda value: value == "yes",
        choices=[("yes", _("yes")), ("no", _("no"))],
    )
    damages = forms.MultipleChoiceField(
        label=_("Damage found"), choices=Damage.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    condition_note = forms.CharField(
        label=_("Physical state"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    regional_interest = forms.CharField(
        label=_("Interest for the region"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    subjects = subjects_field()


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=_("What the collège Patrimoine is asked"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class OpinionForm(RevisionForm):
    opinion = forms.CharField(
        label=_("The collège's opinion"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class FinishAppraisalForm(RevisionForm):
    reason = forms.CharField(
        label=_("Reason, if no item is retained"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AgreementForm(RevisionForm):
    transfer = forms.ChoiceField(label=_("Deposit or gift"), choices=Transfer.choices, widget=forms.RadioSelect)
    uses = forms.MultipleChoiceField(
        label=_("Allowed uses"), choices=Use.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class IntakeForm(RevisionForm):
    """For each retained item, a storage location (``location_<item id>``) and, where the
    material already had one, its call number typed by hand (``call_number_<item id>``)."""

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        for item in items:
            self.fields[f"location_{item.pk}"] = forms.CharField(
                label=_("Storage location of “%(title)s”") % {"title": item.title},
                max_length=100,
                initial=item.location,
                # Said in the page's list of errors too: the message names the line it is about.
                error_messages={"required": unplaced_item_message(item)},
            )
            self.fields[f"call_number_{item.pk}"] = forms.CharField(
                label=_("Former call number of “%(title)s” (optional)") % {"title": item.title},
                help_text=_("Empty: the archive numbers it in its own series."),
                max_length=30,
                required=False,
            )

    def _per_item(self, prefix: str) -> dict[int, str]:
        return {int(name[len(prefix) :]): value for name, value in self.cleaned_data.items() if name.startswith(prefix)}

    def locations(self) -> dict[int, str]:
        return self._per_item("location_")

    def call_numbers(self) -> dict[int, str]:
        return self._per_item("call_number_")


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the offer is withdrawn: the archive keeps the reason.")},
    )


class DigitisationForm(forms.Form):
    digitisation = forms.ChoiceField(label=_("Digitisation"), choices=Digitisation.choices)


class DigitisationQueueFilterForm(forms.Form):
    """The queue by state (both waiting states unless one is chosen) and by format."""

    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("To digitise or in progress")), *[(state.value, state.label) for state in QUEUED_STATES]],
    )
    format = forms.ChoiceField(label=_("Format"), required=False, choices=[("", _("All")), *Format.choices])
