"""People, collèges, roles, the members' directory and the audit log (the rows the machinery
keeps, search queue, worker, counts and visits: ``upkeep``).

Rows here hold data and the invariants of one row; every change goes through
``intranet.actions``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, Group, PermissionsMixin
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from intranet.builtins import builtin_text

# The app's other models, importable from here like these.
from intranet.models.upkeep import HomeVisit, NavigationCount, SearchChange, SearchEntry, WorkerHeartbeat  # noqa: F401


def normalize_email_address(email: str) -> str:
    """E-mail addresses are compared without case everywhere (login, invitations)."""
    return (email or "").strip().lower()


HANDLE_PATTERN = r"[a-z0-9][a-z0-9._-]*[a-z0-9]"


def unique_handle(first_name: str, last_name: str, email: str = "") -> str:
    """The name others type after @ to mention someone: "camille.martin", "camille.martin2"…"""
    base = ".".join(part for part in (slugify(first_name), slugify(last_name)) if part).replace("-", ".")
    base = base or slugify(email.split("@")[0]).replace("-", ".") or "membre"
    base = base[:40].strip("._-") or "membre"
    handle, counter = base, 1
    while User.objects.filter(handle=handle).exists():
        counter += 1
        handle = f"{base}{counter}"
    return handle


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email__iexact=normalize_email_address(username))

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        extra_fields.setdefault(
            "handle", unique_handle(extra_fields.get("first_name", ""), extra_fields.get("last_name", ""), email)
        )
        user = self.model(email=normalize_email_address(email), **extra_fields)
        user.set_password(password)
        # Every person has a directory profile, whichever way the account was made.
        with transaction.atomic(using=self._db):
            user.save(using=self._db)
            Profile.objects.using(self._db).create(user=user)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


def full_name(first_name: str | None, last_name: str | None) -> str:
    """A person's name as pages show it, also from a row read as values (nobody: empty)."""
    return f"{first_name or ''} {last_name or ''}".strip()


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    handle = models.CharField(
        _("handle"), max_length=50, unique=True, help_text=_("Others mention you with @ followed by this name.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff"), default=False, help_text=_("Member of the association's salaried team."))
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    language = models.CharField(
        _("interface language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["last_name", "first_name"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ignoring_case")]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return full_name(self.first_name, self.last_name)

    def get_short_name(self) -> str:
        return self.first_name or self.email


class College(models.Model):
    """One of the association's thematic working groups."""

    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    members_group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="college_as_members")
    coordinators_group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="college_as_coordinators")

    class Meta:
        verbose_name = _("collège")
        verbose_name_plural = _("collèges")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_description(self) -> str:
        """The description in the reader's language when it is the built-in one (intranet.builtins)."""
        return builtin_text(self.description)


class CollegeRole(models.TextChoices):
    MEMBER = "member", _("member")
    COORDINATOR = "coordinator", _("coordinator")


class CollegeMembership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="college_memberships")
    college = models.ForeignKey(College, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=CollegeRole.choices, default=CollegeRole.MEMBER)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("collège membership")
        verbose_name_plural = _("collège memberships")
        constraints = [models.UniqueConstraint(fields=["user", "college"], name="one_membership_per_college")]

    def __str__(self) -> str:
        return f"{self.user} — {self.college} ({self.get_role_display()})"

    @property
    def is_coordinator(self) -> bool:
        return self.role == CollegeRole.COORDINATOR


class BoardRole(models.TextChoices):
    PRESIDENT = "president", _("president")
    SECRETARY = "secretary", _("secretary")
    TREASURER = "treasurer", _("treasurer")
    MEMBER = "member", _("board member")


BOARD_OFFICES = (BoardRole.PRESIDENT, BoardRole.SECRETARY, BoardRole.TREASURER)


class BoardMembership(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="board_membership")
    role = models.CharField(_("board role"), max_length=20, choices=BoardRole.choices, default=BoardRole.MEMBER)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("board membership")
        verbose_name_plural = _("board memberships")
        constraints = [
            # The board has one president, one secretary and one treasurer at a time.
            models.UniqueConstraint(
                fields=["role"], condition=models.Q(role__in=BOARD_OFFICES), name="one_holder_per_board_office"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class Territory(models.Model):
    """A département of the region (the directory's map)."""

    code = models.CharField(_("code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Skill(models.Model):
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Profile(models.Model):
    """What a member tells the others about themselves in the directory."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    trade = models.CharField(_("trade"), max_length=120, blank=True)
    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), null=True, blank=True, on_delete=models.SET_NULL
    )
    skills = models.ManyToManyField(Skill, verbose_name=_("skills"), blank=True, related_name="profiles")
    bio = models.TextField(_("short bio"), max_length=1500, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    show_email = models.BooleanField(_("show my e-mail address to members"), default=True)
    show_phone = models.BooleanField(_("show my phone number to members"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.user)


class Invitation(models.Model):
    """A single-use, expiring link that lets a new member choose a password."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        ACCEPTED = "accepted", _("accepted")
        EXPIRED = "expired", _("expired")
        REVOKED = "revoked", _("revoked")

    email = models.EmailField(_("e-mail address"))
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    college = models.ForeignKey(College, verbose_name=_("collège"), null=True, blank=True, on_delete=models.SET_NULL)
    college_role = models.CharField(
        _("role in the collège"), max_length=20, choices=CollegeRole.choices, default=CollegeRole.MEMBER
    )
    language = models.CharField(
        _("language of the invitation"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email

    @property
    def status(self) -> str:
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_display(self) -> str:
        return self.Status(self.status).label


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit log is append-only.")

    def delete(self):
        raise TypeError("The audit log is append-only.")


class AuditEntry(models.Model):
    """One line of the append-only audit log, written in the transaction of its change."""

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    # A snapshot, so the log still says who acted after the account is renamed or deleted.
    actor_label = models.CharField(_("actor"), max_length=300)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("target type"), max_length=64, db_index=True)
    target_id = models.CharField(max_length=64)
    target_label = models.CharField(_("target"), max_length=300)
    details = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit log is append-only.")


class ApiToken(models.Model):
    """A personal API token: its owner names it, sees it once, and revokes it. Only a hash of
    it is kept; the first characters are kept to tell one token from another."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
