"""The archive in the API: a fonds as its catalogue row and as its page shows it to the reader
(``selectors.FondsView``, built once for the page and the API)."""

from __future__ import annotations

from rest_framework import serializers

from workflows.archives.models import Fonds, FondsStatus, Format, Transfer, Use


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
    format = serializers.CharField(help_text="As shown, in the reader's language")
    count = serializers.IntegerField()
    duration_minutes = serializers.IntegerField(allow_null=True)
    sound = serializers.CharField()
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
    items = ItemSerializer(many=True)


class CatalogueFilterSerializer(serializers.Serializer):
    territory = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    decade = serializers.IntegerField(required=False, min_value=1800, max_value=2100)
    # Not "format": the API reads that one as the answer's format (JSON).
    item_format = serializers.ChoiceField(choices=Format.choices, required=False, help_text="8mm, 16mm, vhs…")
    status = serializers.ChoiceField(
        choices=FondsStatus.choices, required=False, help_text="Staff follow the offers in progress"
    )
