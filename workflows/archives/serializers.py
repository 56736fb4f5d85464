"""The archive in the API: a fonds as its catalogue row and as its page shows it to the reader
(``selectors.FondsView``, built once for the page and the API)."""

from __future__ import annotations

from rest_framework import serializers

from workflows.archives.items import MAX_COUNT, MAX_DURATION_MINUTES, SUBJECT_MAX_LENGTH
from workflows.archives.models import (
    CONTACT_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    QUEUED_STATES,
    Damage,
    Digitisation,
    Fonds,
    FondsStatus,
    Format,
    Sound,
    Transfer,
    Use,
)


class FondsSerializer(serializers.ModelSerializer):
    items = serializers.IntegerField(source="item_count", help_text="Items, without those not retained")

    class Meta:
        model = Fonds
        fields = ["id", "title", "call_number", "status", "items", "created_at"]


class ItemSerializer(serializers.Serializer):
    # Reads a ``selectors.ItemRow``.
    id = serializers.IntegerField()
    position = serializers.IntegerField(help_text="Its line in the pre-deposit list")
    call_number = serializers.CharField(help_text="Empty until the fonds is taken in")
    title = serializers.CharField()
    author = serializers.CharField()
    period = serializers.CharField()
    place = serializers.CharField()
    subjects = serializers.ListField(child=serializers.CharField(), help_text="Keywords: what it shows")
    format = serializers.CharField(help_text="As shown, in the reader's language")
    count = serializers.IntegerField()
    duration_minutes = serializers.IntegerField(allow_null=True)
    sound = serializers.CharField()
    declared_condition = serializers.CharField(
        help_text="The condition the depositor declared: staff, the archivist and the depositor; empty for the others"
    )
    damages = serializers.ListField(
        child=serializers.ChoiceField(choices=Damage.choices),
        help_text="Damage found at appraisal: staff and the archivist; empty for the others",
    )
    condition_note = serializers.CharField(help_text="Physical state at appraisal: staff and the archivist")
    regional_interest = serializers.CharField(help_text="Interest for the region: staff and the archivist")
    retained = serializers.BooleanField(
        allow_null=True, help_text="Shown to staff and the depositor; null until appraised (and for the others)"
    )
    location = serializers.CharField(help_text="Staff only; empty for the others")
    digitisation = serializers.CharField()


class FondsDetailSerializer(serializers.Serializer):
    # Reads a ``selectors.FondsView``.
    id = serializers.IntegerField(source="fonds.pk")
    title = serializers.CharField(source="fonds.title")
    description = serializers.CharField(source="fonds.description")
    call_number = serializers.CharField(source="fonds.call_number", allow_null=True)
    status = serializers.ChoiceField(source="fonds.status", choices=FondsStatus.choices)
    depositor = serializers.CharField(help_text="Staff and the depositor only; empty for the others")
    transfer = serializers.ChoiceField(source="fonds.transfer", choices=[("", ""), *Transfer.choices])
    uses = serializers.ListField(source="fonds.uses", child=serializers.ChoiceField(choices=Use.choices))
    files_open = serializers.BooleanField(source="may_open_files", help_text="Whether the reader may open its files")
    signed_agreement = serializers.IntegerField(
        source="signed_agreement.pk",
        allow_null=True,
        help_text="The signed agreement's document id (/api/v1/documents/<id>/download/): staff and the depositor; "
        "null until it is kept, and for the others",
    )
    opinion_asked = serializers.BooleanField(
        help_text="Whether the collège Patrimoine's opinion was asked: told to staff, the depositor and the "
        "collège's coordinators; false for the others"
    )
    opinion = serializers.CharField(
        help_text="The collège Patrimoine's opinion: staff, the archivist and the collège's coordinators; "
        "empty until given, and for the others (the depositor included)"
    )
    opinion_thread = serializers.IntegerField(
        source="opinion_thread_id",
        allow_null=True,
        help_text="The collège's thread (/api/v1/threads/<id>/), for those who see the opinion and may read "
        "its forum; null for the others",
    )
    items = ItemSerializer(many=True)


class CatalogueFilterSerializer(serializers.Serializer):
    territory = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    decade = serializers.IntegerField(required=False, min_value=1800, max_value=2100)
    # Not "format": the API reads that one as the answer's format (JSON).
    item_format = serializers.ChoiceField(choices=Format.choices, required=False, help_text="8mm, 16mm, vhs…")
    status = serializers.ChoiceField(
        choices=FondsStatus.choices, required=False, help_text="Staff follow the offers in progress"
    )


# --- What the process's steps take (the same fields as the pages' forms) ------------------------

ID = {"min_value": 1, "max_value": 2**31 - 1}
YEAR = {"min_value": 1, "max_value": 9999, "required": False, "allow_null": True}
REVISION = serializers.IntegerField(
    required=False, allow_null=True, min_value=1, max_value=2**31 - 1,
    help_text="The fonds's revision as last read: a step taken from a stale copy is refused",
)  # fmt: skip


class ItemDraftSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    format = serializers.ChoiceField(choices=Format.choices)
    count = serializers.IntegerField(min_value=1, max_value=MAX_COUNT, help_text="Reels or items")
    author = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    year_from = serializers.IntegerField(**YEAR)
    year_to = serializers.IntegerField(**YEAR)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    duration_minutes = serializers.IntegerField(
        min_value=1, max_value=MAX_DURATION_MINUTES, required=False, allow_null=True
    )
    sound = serializers.ChoiceField(choices=Sound.choices, required=False, default=Sound.UNKNOWN)
    declared_condition = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    subjects = serializers.ListField(
        child=serializers.CharField(max_length=SUBJECT_MAX_LENGTH),
        max_length=50,
        required=False,
        default=list,
        help_text="Keywords: what it shows (“fête de village”, “vendanges”)",
    )


class OfferSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(max_length=DESCRIPTION_MAX_LENGTH, required=False, allow_blank=True, default="")
    items = ItemDraftSerializer(many=True, help_text="The pre-deposit list, at least one line")
    depositor_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="Staff, for someone outside"
    )
    depositor_contact = serializers.CharField(
        max_length=CONTACT_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


class AssignSerializer(serializers.Serializer):
    archivist = serializers.IntegerField(**ID, help_text="A staff member's id")
    revision = REVISION


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    revision = REVISION


class AppraisalSerializer(serializers.Serializer):
    retained = serializers.BooleanField()
    damages = serializers.ListField(child=serializers.ChoiceField(choices=Damage.choices), required=False, default=list)
    condition_note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    regional_interest = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    subjects = serializers.ListField(
        child=serializers.CharField(max_length=SUBJECT_MAX_LENGTH),
        max_length=50,
        required=False,
        help_text="The item's subjects, all of them (left out: those of the pre-deposit list are kept)",
    )


class QuestionSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=5000)


class OpinionSerializer(serializers.Serializer):
    opinion = serializers.CharField(max_length=5000)
    revision = REVISION


class AgreementSerializer(serializers.Serializer):
    transfer = serializers.ChoiceField(choices=Transfer.choices)
    uses = serializers.ListField(child=serializers.ChoiceField(choices=Use.choices), default=list)
    revision = REVISION


class AgreementDraftSerializer(serializers.Serializer):
    """The rights of a draft agreement, before the step records them (the query of its download)."""

    transfer = serializers.ChoiceField(choices=Transfer.choices, required=False)
    uses = serializers.ListField(child=serializers.ChoiceField(choices=Use.choices), required=False)


class PlacementSerializer(serializers.Serializer):
    item = serializers.IntegerField(**ID)
    location = serializers.CharField(max_length=200, allow_blank=True, default="")
    call_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class IntakeSerializer(serializers.Serializer):
    placements = PlacementSerializer(many=True, required=False, default=list)
    revision = REVISION


class DigitisationSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=Digitisation.choices)


# --- The digitisation queue --------------------------------------------------------------------


class DigitisationQueueFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=[(state.value, state.label) for state in QUEUED_STATES],
        required=False,
        help_text="One of the queue's two states; both when left out",
    )
    # Not "format": the API reads that one as the answer's format (JSON).
    item_format = serializers.ChoiceField(choices=Format.choices, required=False, help_text="8mm, 16mm, vhs…")


class QueuedItemSerializer(serializers.Serializer):
    # Reads a ``selectors.QueuedItem``.
    id = serializers.IntegerField(help_text="The item's id (its state changes at …/items/<id>/digitisation/)")
    call_number = serializers.CharField()
    title = serializers.CharField()
    format = serializers.ChoiceField(choices=Format.choices)
    format_label = serializers.CharField(help_text="As shown, in the reader's language")
    state = serializers.ChoiceField(choices=Digitisation.choices)
    state_label = serializers.CharField(help_text="As shown, in the reader's language")
    fonds = serializers.IntegerField(source="fonds_id", help_text="The fonds's id")
    fonds_title = serializers.CharField()
    fonds_call_number = serializers.CharField()
    taken_in_at = serializers.DateTimeField(allow_null=True, help_text="When its fonds was taken in")


class SignedAgreementSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True, help_text="The agreement as both sides signed it (a scan or a PDF), one multipart part"
    )
