"""Forms of the core pages: they parse and validate input, actions make the changes."""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from intranet.audit import action_choices
from intranet.models import BoardRole, College, CollegeRole, Profile, Territory, User
from intranet.search.engine import Filters
from intranet.selectors import AuditFilters, DirectoryFilters


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        "invalid_login": _("Wrong e-mail address or password."),
        "inactive": _("Wrong e-mail address or password."),
    }


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    college = forms.ModelChoiceField(
        label=_("Collège"),
        queryset=College.objects.filter(is_active=True),
        to_field_name="slug",
        required=False,
        empty_label=_("All collèges"),
    )
    territory = forms.ModelChoiceField(
        label=_("Territory"),
        queryset=Territory.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All territories"),
    )
    skill = forms.SlugField(label=_("Skill"), required=False, max_length=80)

    def filters(self) -> DirectoryFilters:
        """The valid filters; an invalid parameter is dropped (and reported) rather than failing."""
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors}
        return DirectoryFilters(
            text=(data.get("q") or "").strip(),
            college=data.get("college"),
            territory=data.get("territory"),
            skill=data.get("skill") or "",
        )


class ProfileForm(forms.ModelForm):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    skills_text = forms.CharField(
        label=_("Skills"),
        required=False,
        max_length=600,
        help_text=_("Separated by commas, for example: documentary, film education, sound editing."),
    )

    class Meta:
        model = Profile
        fields = ["organisation", "trade", "territory", "bio", "phone", "website", "show_email", "show_phone"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["first_name"] = self.instance.user.first_name
            self.initial["last_name"] = self.instance.user.last_name
            self.initial["skills_text"] = ", ".join(skill.name for skill in self.instance.skills.all())

    def clean_skills_text(self) -> list[str]:
        names = []
        for raw in self.cleaned_data["skills_text"].split(","):
            name = " ".join(raw.split())[:80]
            if name and slugify(name) and name.lower() not in (n.lower() for n in names):
                names.append(name)
        if len(names) > 20:
            raise forms.ValidationError(_("At most 20 skills."))
        return names


class CollegeForm(forms.ModelForm):
    class Meta:
        model = College
        fields = ["name", "slug", "description", "position", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("Used in addresses; left empty, it is made from the name.")
        if self.instance.pk:
            # The short name is in every address of the collège: it does not change.
            self.fields["slug"].disabled = True

    def validate_unique(self):
        # Uniqueness is the action's to check, with a message that names the field.
        pass


def active_members_choice():
    return User.objects.filter(is_active=True).order_by("last_name", "first_name")


class AddMemberForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Member"), queryset=active_members_choice())
    role = forms.ChoiceField(label=_("Role"), choices=CollegeRole.choices, initial=CollegeRole.MEMBER)


class CollegeRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=CollegeRole.choices)


class BoardRoleForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Member"), queryset=active_members_choice())
    role = forms.ChoiceField(label=_("Board role"), choices=BoardRole.choices, initial=BoardRole.MEMBER)


class MemberSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or e-mail"), required=False, max_length=100)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    college = forms.ModelChoiceField(
        label=_("Collège"),
        queryset=College.objects.filter(is_active=True),
        required=False,
        empty_label=_("No collège for now"),
    )
    college_role = forms.ChoiceField(
        label=_("Role in the collège"), choices=CollegeRole.choices, initial=CollegeRole.MEMBER
    )
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=settings.LANGUAGES, initial="fr")


class AcceptInvitationForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, invitation, **kwargs):
        self.invitation = invitation
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            candidate = User(
                email=self.invitation.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class AuditFilterForm(forms.Form):
    # Every app's codes (declared in their ready()): a callable, read when the form is shown.
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=lambda: [("", _("All actions")), *action_choices()]
    )
    q = forms.CharField(label=_("Person or target"), required=False, max_length=100)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def filters(self) -> AuditFilters:
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors}
        return AuditFilters(
            action=data.get("action") or "",
            text=(data.get("q") or "").strip(),
            since=data.get("since"),
            until=data.get("until"),
        )


class SearchTextField(forms.CharField):
    """What was typed, whatever it holds: the search makes the best of it (and says so)."""

    def to_python(self, value):
        return super().to_python((value or "").replace("\x00", " ")[:5000])


class SearchForm(forms.Form):
    """The search box and its filters, all optional; a bad value is reported, never a 500."""

    q = SearchTextField(label=_("Search"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    college = forms.ChoiceField(label=_("Collège"), required=False)
    author = forms.CharField(
        label=_("Author"),
        required=False,
        max_length=200,
        help_text=_("Their handle, for example @camille.martin."),
    )
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    order = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("relevance", _("relevance")), ("date", _("date, newest first"))],
    )
    # A page number that is not one (typed in the address) shows the first page, not an error.
    page = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("everything")), *kinds]
        colleges = College.objects.filter(is_active=True).order_by("position", "name").values_list("slug", "name")
        self.fields["college"].choices = [("", _("all collèges")), *colleges]

    def clean_page(self) -> int:
        try:
            return max(int(self.cleaned_data["page"]), 1)
        except ValueError:
            return 1

    def clean_author(self):
        handle = self.cleaned_data["author"].strip().lstrip("@")
        if not handle:
            return None
        user = User.objects.filter(handle__iexact=handle, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("Nobody has the handle @%(handle)s.") % {"handle": handle})
        return user

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end date comes before the start date."))
        return data

    def filters(self) -> Filters:
        """The engine's filters from the valid form (whole days, in local time)."""
        data = self.cleaned_data

        def moment(day, at):
            return timezone.make_aware(datetime.combine(day, at)) if day else None

        return Filters(
            kinds=(data["kind"],) if data.get("kind") else (),
            college=data.get("college") or "",
            author_id=data["author"].pk if data.get("author") else None,
            since=moment(data.get("since"), time.min),
            until=moment(data.get("until"), time.max),
            order=data.get("order") or "relevance",
        )
