"""Fonds and their items as the search sees them: a fonds and its items are readable by whoever
may open the fonds (the archive's policy, at the moment of the search). Items not retained are
not searchable; nor is who deposited a fonds (staff find it on the fonds's page). An item's
subjects are searched with it, and with its fonds (a search for "vendanges" finds both)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from intranet.search.sources import Display, Entry, Source, ids_in
from workflows.archives.models import Fonds, Item
from workflows.archives.selectors import visible_fonds

SCOPE = "fonds"


def _scope(fonds_id: int) -> str:
    return f"{SCOPE}:{fonds_id}"


def _year(item: Item) -> str:
    return str(item.year_from) if item.year_from else ""


def _titled(item: Item) -> str:
    return " — ".join(filter(None, [item.call_number, item.title]))


def _subjects_of(items) -> str:
    """Its items' subjects, each once, in the order of the list."""
    return ", ".join(dict.fromkeys(subject for item in items for subject in item.subject_list))


class FondsSource(Source):
    kind = "fonds"
    position = 70
    label = _("Archive fonds")
    scope_family = SCOPE

    def entries(self, ids):
        return {
            fonds.pk: Entry(
                kind=self.kind,
                object_id=fonds.pk,
                scope=_scope(fonds.pk),
                title=fonds.title,
                body="\n".join(filter(None, [fonds.call_number, fonds.description, _subjects_of(fonds.items.all())])),
                date=fonds.created_at,
            )
            for fonds in Fonds.objects.filter(pk__in=ids).prefetch_related(
                Prefetch("items", queryset=Item.objects.exclude(retained=False).only("pk", "fonds_id", "subjects"))
            )
        }

    def all_ids(self):
        return Fonds.objects.order_by("pk").values_list("pk", flat=True).iterator()

    def allowed_scopes(self, user):
        return {_scope(pk) for pk in visible_fonds(user).values_list("pk", flat=True)}

    def allowed_ids(self, user):
        return SCOPE, visible_fonds(user)

    def display(self, user, ids, scopes):
        allowed = ids_in(scopes, SCOPE)
        return {
            fonds.pk: Display(
                title=fonds.title,
                url=reverse("archives:fonds", args=[fonds.pk]),
                text=fonds.description,
                context=" · ".join(filter(None, [fonds.call_number, fonds.get_status_display()])),
                date=fonds.created_at,
            )
            for fonds in Fonds.objects.filter(pk__in=[pk for pk in ids if pk in allowed])
        }


class ItemSource(Source):
    kind = "archive_item"
    position = 71
    label = _("Archive items")
    scope_family = SCOPE

    def entries(self, ids):
        items = Item.objects.filter(pk__in=ids).exclude(retained=False).select_related("territory")
        return {
            item.pk: Entry(
                kind=self.kind,
                object_id=item.pk,
                scope=_scope(item.fonds_id),
                # As its hit is titled: a call number typed whole matches the item's title, where
                # a still of it in the fonds's files bears the same number.
                title=_titled(item),
                body="\n".join(
                    filter(
                        None,
                        [
                            item.call_number,
                            item.author,
                            item.subjects,
                            item.place,
                            item.territory.name if item.territory else "",
                            _year(item),
                            item.get_format_display(),
                        ],
                    )
                ),
                date=None,
            )
            for item in items
        }

    def all_ids(self):
        return Item.objects.order_by("pk").values_list("pk", flat=True).iterator()

    def allowed_scopes(self, user):
        return {_scope(pk) for pk in visible_fonds(user).values_list("pk", flat=True)}

    def allowed_ids(self, user):
        return SCOPE, visible_fonds(user)

    def display(self, user, ids, scopes):
        allowed = ids_in(scopes, SCOPE)
        items = Item.objects.filter(pk__in=ids, fonds_id__in=allowed).exclude(retained=False).select_related("fonds")
        return {
            item.pk: Display(
                title=_titled(item),
                url=reverse("archives:fonds", args=[item.fonds_id]),
                text="\n".join(filter(None, [item.author, item.subjects, item.place])),
                context=" · ".join(
                    filter(None, [item.fonds.title, item.get_format_display(), str(item.year_from or "")])
                ),
            )
            for item in items
        }
