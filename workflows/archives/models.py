"""The film and photo archive: collections (*fonds*) offered by depositors, their items, and the
call numbers given on intake.

A fonds is recorded as an offer with its pre-deposit list (one ``Item`` per line), appraised
item by item by its archivist, covered by an agreement (deposit or gift, and the uses the
depositor allows), then taken in: each retained item gets its call number
(``FI-2026-014-003``: fonds 14 of 2026, item 3) and a storage place. The process that moves a
fonds from step to step lives in ``flows.py``; these rows hold what it decides.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from intranet.models import Territory

CALL_NUMBER_PREFIX = "FI"  # the archive's collections of moving and still images
EARLIEST_YEAR = 1850  # before photography's first decades a date is a typing error


class FondsStatus(models.TextChoices):
    OFFERED = "offered", _("offered, waiting for triage")
    IN_APPRAISAL = "in_appraisal", _("in appraisal")
    IN_AGREEMENT = "in_agreement", _("agreement being prepared")
    IN_INTAKE = "in_intake", _("intake")
    CATALOGUED = "catalogued", _("catalogued")
    DECLINED = "declined", _("declined")
    NOT_RETAINED = "not_retained", _("not retained")
    WITHDRAWN = "withdrawn", _("withdrawn by the depositor")


OPEN_STATUSES = (FondsStatus.OFFERED, FondsStatus.IN_APPRAISAL, FondsStatus.IN_AGREEMENT, FondsStatus.IN_INTAKE)


class Transfer(models.TextChoices):
    DEPOSIT = "deposit", _("deposit (the depositor stays the owner)")
    GIFT = "gift", _("gift")


# The fonds's history names the agreement its depositor signed (the audit code is the same).
AGREEMENT_RECORDED_AS = {
    Transfer.DEPOSIT.value: _("deposit agreement recorded"),
    Transfer.GIFT.value: _("deed of gift recorded"),
}


class Use(models.TextChoices):
    """What the depositor allows, each on its own; consultation on site is the least of them."""

    ON_SITE = "on_site", _("consultation on site")
    RESEARCH = "research", _("research")
    SCREENINGS = "screenings", _("non-commercial screenings")
    ONLINE = "online", _("online publication")
    COMMERCIAL = "commercial", _("commercial licensing, with the depositor's agreement")


# Kept by the action, so the page and the API refuse the same texts.
DESCRIPTION_MAX_LENGTH = 5000  # the offer's "what is it?"
CONTACT_MAX_LENGTH = 1000  # an outside depositor's address, e-mail and phone


class Fonds(models.Model):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # The depositor: a member depositing for themself, or someone outside recorded by staff.
    depositor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="offered_fonds"
    )
    depositor_name = models.CharField(_("depositor"), max_length=200)
    depositor_contact = models.TextField(_("depositor's address, e-mail and phone"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    archivist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="archived_fonds",
        verbose_name=_("archivist"),
    )
    status = models.CharField(max_length=20, choices=FondsStatus.choices, default=FondsStatus.OFFERED)
    end_reason = models.TextField(_("reason"), blank=True)  # declined, not retained, withdrawn
    # The collège Patrimoine's opinion, when the archivist asks for it: a thread in its forum.
    opinion_thread = models.OneToOneField(
        "forums.Thread", on_delete=models.SET_NULL, null=True, blank=True, related_name="archive_fonds"
    )
    opinion = models.TextField(_("opinion of the collège Patrimoine"), blank=True)
    opinion_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    transfer = models.CharField(_("deposit or gift"), max_length=10, choices=Transfer.choices, blank=True)
    uses = models.JSONField(_("allowed uses"), default=list, blank=True)  # values of ``Use``
    # Its files (scans, excerpts, condition photos, the signed agreement) in the archive's space.
    folder = models.ForeignKey("documents.Folder", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    agreement_signed = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    year = models.PositiveIntegerField(null=True, blank=True)  # of intake, with ``sequence``
    sequence = models.PositiveIntegerField(null=True, blank=True)
    call_number = models.CharField(_("call number"), max_length=20, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    catalogued_at = models.DateTimeField(null=True, blank=True)
    # Bumped on every change: a form posted from a stale copy is refused, not applied.
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("fonds")
        verbose_name_plural = _("fonds")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="archives_one_fonds_number_per_year"),
        ]

    def __str__(self) -> str:
        return self.title


class Format(models.TextChoices):
    MM8 = "8mm", _("8 mm")
    MM9_5 = "9.5mm", _("9.5 mm")
    SUPER8 = "super8", _("Super 8")
    MM16 = "16mm", _("16 mm")
    MM35 = "35mm", _("35 mm")
    VHS = "vhs", _("VHS")
    UMATIC = "umatic", _("U-matic")
    BETACAM = "betacam", _("Betacam")
    MINIDV = "minidv", _("MiniDV")
    DIGITAL = "digital", _("digital file")
    PRINTS = "prints", _("photographic prints")
    NEGATIVES = "negatives", _("negatives")
    SLIDES = "slides", _("slides")
    GLASS_PLATES = "glass_plates", _("glass plates")


PHOTOGRAPHIC_FORMATS = (Format.PRINTS, Format.NEGATIVES, Format.SLIDES, Format.GLASS_PLATES)


class Sound(models.TextChoices):
    SOUND = "sound", _("sound")
    SILENT = "silent", _("silent")
    UNKNOWN = "unknown", _("not known")


class Damage(models.TextChoices):
    """What appraisal looks for on film and photographic material."""

    VINEGAR = "vinegar", _("vinegar syndrome")
    SHRINKAGE = "shrinkage", _("shrinkage")
    SPLICES = "splices", _("splices")
    PERFORATIONS = "perforations", _("damaged perforations")
    MOULD = "mould", _("mould")
    SCRATCHES = "scratches", _("scratches")
    FADING = "fading", _("colour fading")


class Digitisation(models.TextChoices):
    TO_DIGITISE = "to_digitise", _("to digitise")
    IN_PROGRESS = "in_progress", _("digitisation in progress")
    DIGITISED = "digitised", _("digitised")
    RESTORED = "restored", _("restored")


QUEUED_STATES = (Digitisation.TO_DIGITISE, Digitisation.IN_PROGRESS)  # the digitisation queue


class Item(models.Model):
    """A line of the pre-deposit list, then of the appraisal, then of the catalogue."""

    fonds = models.ForeignKey(Fonds, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()  # its line in the pre-deposit list
    title = models.CharField(_("title or subject"), max_length=300)
    author = models.CharField(_("author"), max_length=200, blank=True)
    year_from = models.PositiveIntegerField(
        _("year (or first year)"), null=True, blank=True, validators=[MinValueValidator(EARLIEST_YEAR)]
    )
    year_to = models.PositiveIntegerField(_("last year"), null=True, blank=True)
    place = models.CharField(_("place filmed or photographed"), max_length=200, blank=True)
    # What it shows, as keywords ("fête de village, vendanges"): typed as the depositor tells it,
    # kept in one text, comma-separated and cleaned (``items.clean_subjects``), searched with the rest.
    subjects = models.CharField(_("subjects"), max_length=500, blank=True)
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("territory")
    )
    format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    count = models.PositiveIntegerField(_("reels or items"), validators=[MinValueValidator(1)])
    duration_minutes = models.PositiveIntegerField(_("approximate duration (minutes)"), null=True, blank=True)
    sound = models.CharField(_("sound"), max_length=10, choices=Sound.choices, default=Sound.UNKNOWN)
    declared_condition = models.CharField(_("condition as declared"), max_length=500, blank=True)
    # Appraisal.
    damages = models.JSONField(_("damage found"), default=list, blank=True)  # values of ``Damage``
    condition_note = models.TextField(_("physical state"), blank=True)
    regional_interest = models.TextField(_("interest for the region"), blank=True)
    retained = models.BooleanField(_("retained"), null=True, blank=True)  # None: not appraised yet
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    appraised_at = models.DateTimeField(null=True, blank=True)
    # Intake.
    number = models.PositiveIntegerField(null=True, blank=True)  # in the fonds, from 1, retained items only
    call_number = models.CharField(_("call number"), max_length=30, unique=True, null=True, blank=True)
    location = models.CharField(_("storage location"), max_length=100, blank=True)
    digitisation = models.CharField(
        _("digitisation"), max_length=20, choices=Digitisation.choices, default=Digitisation.TO_DIGITISE
    )

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["fonds", "position"]
        constraints = [
            models.UniqueConstraint(fields=["fonds", "position"], name="archives_item_line_once"),
            models.UniqueConstraint(
                fields=["fonds", "number"], condition=Q(number__isnull=False), name="archives_item_number_once"
            ),
            models.CheckConstraint(condition=Q(count__gte=1), name="archives_item_counts_something"),
            models.CheckConstraint(
                condition=Q(year_to__isnull=True) | Q(year_from__isnull=False, year_to__gte=models.F("year_from")),
                name="archives_item_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.call_number or self.title

    @property
    def subject_list(self) -> list[str]:
        return [subject.strip() for subject in self.subjects.split(",") if subject.strip()]

    @property
    def decade(self) -> int | None:
        return self.year_from - self.year_from % 10 if self.year_from else None


class FondsCounter(models.Model):
    """The last fonds number given in a year: locked while a number is taken, so numbers are
    unique and without gaps even when two intakes happen at the same instant."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0, validators=[MaxValueValidator(999)])

    class Meta:
        verbose_name = _("fonds counter")
        verbose_name_plural = _("fonds counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class ArchiveProcess(Process):
    """The fonds's run through ``ArchiveFlow``: its tasks say which step waits for whom. Its row
    is locked during every transition of the fonds."""

    fonds = models.OneToOneField(Fonds, on_delete=models.CASCADE, related_name="process")

    class Meta:
        verbose_name = _("archive deposit process")
        verbose_name_plural = _("archive deposit processes")
