from django import forms
from django.utils.translation import gettext_lazy as _

from intranet.notifications.kinds import Delivery, all_kinds

CHOOSE_ONE = _("Choose one of the three ways offered.")


class PreferencesForm(forms.Form):
    """One choice per kind of notification: at once, in the daily digest, or never."""

    def __init__(self, *args, initial_choices: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in all_kinds():
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                initial=initial_choices[kind.value],
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": _("Choose one of the three ways offered."),
                    "required": _("Choose one of the three ways offered."),
                },
            )
