"""The templates' ``date`` filter (intranet/templatetags/dates.py) writes what Django's writes."""

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.template.defaultfilters import date as django_date
from django.utils import timezone, translation

from intranet.templatetags import dates

FORMATS = [
    None,
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "c",
    "Y-m-d",
    "d/m/y H:i:s",
    "j F Y \\à G\\h",  # escaped letters stay text
    "l j F",  # a weekday: left to Django's filter
    "",
]


def _values(count: int) -> list:
    rng = random.Random(20261206)
    start = datetime(1895, 12, 28, tzinfo=ZoneInfo("UTC"))
    values = []
    for _ in range(count):
        moment = start + timedelta(seconds=rng.randrange(0, 140 * 365 * 24 * 3600))
        values += [moment, timezone.localtime(moment), moment.replace(tzinfo=None), moment.date()]
    return values


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_format_gives_djangos_text(language):
    with translation.override(language):
        for value in _values(60):
            for date_format in FORMATS:
                if isinstance(value, datetime) or date_format in (None, "DATE_FORMAT", "Y-m-d", "c", ""):
                    assert dates.date(value, date_format) == django_date(value, date_format), (value, date_format)
    # The templates' formats are written here, not handed to Django's filter.
    assert dates._compiled(language, "SHORT_DATETIME_FORMAT", True) is not None
    assert dates._compiled(language, "c", False) is not None


def test_what_is_not_a_date_goes_to_django():
    assert dates.date(None, "c") == ""
    assert dates.date("", "c") == ""
    assert dates.date("not a date", "c") == ""
    assert dates.date(time(14, 5), "H:i") == django_date(time(14, 5), "H:i") == "14:05"
    with pytest.raises(TypeError):  # as Django: no hour in a date
        dates.date(date(2026, 12, 6), "H:i")


def test_templates_use_it_in_the_current_time_zone():
    template = engines["django"].from_string("{{ moment|date:'c' }} · {{ moment|date:'SHORT_DATETIME_FORMAT' }}")
    moment = datetime(2026, 12, 6, 23, 30, tzinfo=ZoneInfo("UTC"))
    with translation.override("fr"), timezone.override(ZoneInfo("Europe/Paris")):
        assert template.render({"moment": moment}) == "2026-12-07T00:30:00+01:00 · 7 décembre 2026 à 00:30"
    with translation.override("en"), timezone.override(ZoneInfo("Europe/Paris")):
        assert template.render({"moment": moment}).endswith("7 December 2026, 00:30")
    assert engines["django"].engine.template_builtins[-1].filters["date"] is dates.date


def test_a_changed_format_setting_is_followed(settings):
    moment = datetime(2026, 12, 6, 9, 5)
    with translation.override(None):  # the settings' formats, not a language's
        settings.DATE_FORMAT = "d/m/Y"
        assert dates.date(moment, "DATE_FORMAT") == "06/12/2026"
        settings.DATE_FORMAT = "Y-m-d"
        assert dates.date(moment, "DATE_FORMAT") == django_date(moment, "DATE_FORMAT") == "2026-12-06"
