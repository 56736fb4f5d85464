"""The members' directory: filters, what each profile shows, the chart, editing one's profile."""

import re

import pytest
from django.urls import reverse

from intranet import actions
from intranet.models import Profile, Skill, Territory
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def fill_profile(user, *, territory, skills, **fields):
    values = {"organisation": "", "trade": "", "bio": "", "phone": "", "website": "", "show_email": True}
    values.update(fields)
    actions.update_profile(
        user,
        profile=user.profile,
        first_name=user.first_name,
        last_name=user.last_name,
        skills=skills,
        territory=Territory.objects.get(code=territory),
        show_phone=values.pop("show_phone", False),
        **values,
    )


@pytest.fixture
def sector(cast):
    """A few profiles with trades, territories and skills."""
    animator = make_member(actor=cast.staff, college="production", first_name="Anna", last_name="Nimation")
    fill_profile(
        animator,
        territory="33",
        skills=["Cinéma d'animation", "Stop motion"],
        trade="Réalisatrice",
        organisation="Studio Pâte à modeler",
        show_email=False,
        phone="05 00 00 00 00",
    )
    projectionist = make_member(actor=cast.staff, college="diffusion", first_name="Paul", last_name="Projo")
    fill_profile(
        projectionist,
        territory="87",
        skills=["Projection"],
        trade="Projectionniste",
        show_phone=True,
        phone="05 11 11 11 11",
    )
    return {"animator": animator, "projectionist": projectionist}


def main_content(response) -> str:
    return re.search(r"<main.*</main>", response.content.decode(), re.S).group(0)


def names(response):
    return {member.last_name for member in response.context["page"]}


def test_every_member_can_browse_the_directory(cast, login, sector):
    response = login(cast.outsider).get(reverse("directory"))
    assert response.status_code == 200
    assert {"Nimation", "Projo"} <= names(response)


def test_anonymous_visitor_cannot_browse_the_directory(client, sector):
    response = client.get(reverse("directory"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_filter_by_college(cast, login, sector):
    response = login(cast.outsider).get(reverse("directory"), {"college": "diffusion"})
    assert "Projo" in names(response)
    assert "Nimation" not in names(response)


def test_filter_by_territory(cast, login, sector):
    assert names(login(cast.outsider).get(reverse("directory"), {"territory": "87"})) == {"Projo"}


def test_filter_by_skill(cast, login, sector):
    assert names(login(cast.outsider).get(reverse("directory"), {"skill": "cinema-danimation"})) == {"Nimation"}


def test_text_search_looks_in_names_trades_organisations_and_skills(cast, login, sector):
    client = login(cast.outsider)
    assert names(client.get(reverse("directory"), {"q": "stop motion"})) == {"Nimation"}
    assert names(client.get(reverse("directory"), {"q": "pâte"})) == {"Nimation"}
    assert names(client.get(reverse("directory"), {"q": "projectionniste"})) == {"Projo"}


def test_filters_combine(cast, login, sector):
    response = login(cast.outsider).get(reverse("directory"), {"college": "production", "territory": "87"})
    assert names(response) == set()
    assert "Aucun membre ne correspond" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "college=nimporte",
        "territory=%3Cscript%3E",
        "skill=%25%25%25",
        "page=abc",
        "page=-1",
        "page=99999",
        "q=" + "a" * 5000,
        "college=production&college=diffusion",
        "q=%00",
    ],
)
def test_garbage_query_strings_never_fail(cast, login, sector, query):
    response = login(cast.outsider).get(reverse("directory") + "?" + query)
    assert response.status_code == 200


def test_an_unknown_filter_value_is_reported_and_ignored(cast, login, sector):
    response = login(cast.outsider).get(reverse("directory"), {"college": "cuisine"}, follow=True)
    assert "ignorés" in response.content.decode()
    assert {"Nimation", "Projo"} <= names(response)


def test_directory_query_count_does_not_grow_with_members(cast, login, sector, django_assert_max_num_queries):
    client = login(cast.outsider)
    for _ in range(12):
        make_member(actor=cast.staff, college="education", territory="16")
    client.get(reverse("directory"))  # the navigation's counts are recounted once after a change
    with django_assert_max_num_queries(16):
        assert client.get(reverse("directory")).status_code == 200


def test_contact_details_follow_what_the_profile_allows(cast, login, sector):
    page = login(cast.outsider).get(reverse("member_detail", args=[sector["animator"].pk])).content.decode()
    assert sector["animator"].email not in page
    assert "05 00 00 00 00" not in page
    page = login(cast.outsider).get(reverse("member_detail", args=[sector["projectionist"].pk])).content.decode()
    assert sector["projectionist"].email in page
    assert "05 11 11 11 11" in page


def test_members_see_all_their_own_details_and_staff_see_everyones(cast, login, sector):
    animator = sector["animator"]
    for viewer in (animator, cast.staff):
        page = login(viewer).get(reverse("member_detail", args=[animator.pk])).content.decode()
        assert animator.email in page
        assert "05 00 00 00 00" in page


def test_missing_and_deactivated_members_are_the_same_404(cast, login, sector):
    actions.deactivate_member(cast.staff, user=sector["projectionist"])
    client = login(cast.outsider)
    missing = client.get(reverse("member_detail", args=[999999]))
    hidden = client.get(reverse("member_detail", args=[sector["projectionist"].pk]))
    assert missing.status_code == hidden.status_code == 404
    assert main_content(missing) == main_content(hidden)
    assert "Projo" not in names(client.get(reverse("directory")))
    # Staff still open the page of a deactivated account.
    assert login(cast.staff).get(reverse("member_detail", args=[sector["projectionist"].pk])).status_code == 200


def test_chart_counts_members_by_territory_and_college(cast, login, sector):
    response = login(cast.outsider).get(reverse("directory"))
    chart = response.context["chart"]
    gironde = next(row for row in chart.rows if row.label.startswith("Gironde"))
    production_index = [name for name, _colour in chart.legend].index("Production")
    assert gironde.counts[production_index] == 1
    page = response.content.decode()
    assert "<svg" in page and 'role="img"' in page
    assert "Haute-Vienne" in page


def test_member_edits_their_profile(cast, login):
    client = login(cast.production_member)
    response = client.post(
        reverse("edit_profile"),
        {
            "first_name": "Margot",
            "last_name": "Martel",
            "organisation": "Les Films du Phare",
            "trade": "Productrice",
            "territory": "",
            "bio": "",
            "phone": "",
            "website": "films-du-phare.example",
            "show_email": "on",
            "skills_text": "Documentaire, documentaire, Fiction",
        },
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=cast.production_member)
    assert profile.organisation == "Les Films du Phare"
    assert profile.website == "https://films-du-phare.example"
    assert sorted(profile.skills.values_list("name", flat=True)) == ["Documentaire", "Fiction"]
    assert Skill.objects.filter(slug="documentaire").count() == 1


def test_a_rejected_profile_form_keeps_what_was_typed(cast, login):
    response = login(cast.production_member).post(
        reverse("edit_profile"),
        {"first_name": "", "last_name": "Martel", "organisation": "Texte tapé", "website": "pas une adresse !"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Texte tapé" in page
    assert "Saisissez une URL valide" in page
    assert Profile.objects.get(user=cast.production_member).organisation == ""


def test_page_links_keep_the_filters(cast, login):
    for _ in range(30):
        make_member(actor=cast.staff, college="education")
    page = login(cast.outsider).get(reverse("directory"), {"college": "education"}).content.decode()
    assert 'href="?college=education&amp;page=2"' in page
    assert "Page 1 sur 2" in page
