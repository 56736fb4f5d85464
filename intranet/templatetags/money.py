"""Amounts of money in the reader's language: "1 500,00 €" in French, "€1,500.00" in English."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext

register = template.Library()


@register.filter
def euros(value: Decimal | int | None) -> str:
    if value is None or value == "":
        return ""
    amount = number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
    # Translators: where the euro sign goes around an amount in your language.
    return gettext("€%(amount)s") % {"amount": amount}
