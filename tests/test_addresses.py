"""Addresses resolved once (``intranet.links.address``, ``{% address %}``) are the addresses
``reverse`` gives, under whatever prefix the site is served."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse, set_script_prefix

from intranet.links import address, address_maker


@pytest.fixture
def under_prefix():
    set_script_prefix("/intranet/")
    yield "/intranet/"
    set_script_prefix("/")


@pytest.mark.parametrize(
    ("name", "value"), [("forums:index", None), ("forums:thread", 12), ("member_detail", 3), ("documents:document", 7)]
)
def test_an_address_is_what_reverse_gives(name, value, under_prefix):
    args = [] if value is None else [value]
    assert address(name, value) == reverse(name, args=args)
    set_script_prefix("/")  # resolved again for another prefix, not served from the first one
    assert address(name, value) == reverse(name, args=args)
    assert not address(name, value).startswith(under_prefix)


def test_the_maker_fills_in_each_row_and_the_tag_escapes_nothing_it_should_not():
    thread = address_maker("forums:thread")
    assert [thread(pk) for pk in (1, 22)] == [reverse("forums:thread", args=[1]), reverse("forums:thread", args=[22])]
    rendered = Template("{% load addresses %}<a href=\"{% address 'forums:thread' pk %}\">").render(Context({"pk": 5}))
    assert rendered == f'<a href="{reverse("forums:thread", args=[5])}">'


def test_a_value_other_than_an_id_is_encoded_as_reverse_encodes_it():
    decision = address_maker("workflows:decision")
    assert decision("CA-2026-014") == reverse("workflows:decision", args=["CA-2026-014"])
    assert decision("é?#x") == reverse("workflows:decision", args=["é?#x"]) != "/deliberations/é?#x/"


def test_a_slug_is_filled_in_where_the_view_takes_one_and_refused_where_it_takes_a_number():
    college = address_maker("college_detail")
    assert college("patrimoine") == reverse("college_detail", args=["patrimoine"])
    with pytest.raises(NoReverseMatch):  # as reverse refuses it: no address to a page that is not
        address_maker("forums:thread")("patrimoine")
