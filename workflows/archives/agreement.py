"""The deposit agreement (*convention de dépôt*) or deed of gift (*acte de don*), written from a
fonds's retained items and the rights chosen, as an OpenDocument text the archivist prints, has
signed by both sides and keeps. Always in French: it is a legal document of the association."""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import slugify
from odf.opendocument import OpenDocumentText
from odf.style import ParagraphProperties, Style, TableColumnProperties, TextProperties
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import H, P

from workflows.archives.models import Fonds, Transfer, Use

ODT = "application/vnd.oasis.opendocument.text"


def agreement_response(fonds: Fonds, *, transfer: str = "", uses: Sequence[str] = ()) -> HttpResponse:
    """The agreement to download, for the page and the API alike: with the rights chosen in the
    step's form (before they are recorded), else those recorded (a deposit until one is)."""
    transfer, uses = transfer or fonds.transfer or Transfer.DEPOSIT, uses or fonds.uses
    content = agreement_odt(fonds, transfer=transfer, uses=uses, association=settings.ASSOCIATION_NAME)
    response = HttpResponse(content, content_type=ODT)
    kind = "acte-de-don" if transfer == Transfer.GIFT else "convention-de-depot"
    response["Content-Disposition"] = f'attachment; filename="{kind}-{slugify(fonds.title)[:60] or "fonds"}.odt"'
    return response


def agreement_odt(fonds: Fonds, *, transfer: str, uses: Sequence[str], association: str) -> bytes:
    with translation.override("fr"):
        return _write(fonds, transfer=transfer, uses=uses, association=association)


def _write(fonds: Fonds, *, transfer: str, uses: Sequence[str], association: str) -> bytes:
    document = OpenDocumentText()
    bold = Style(name="Fort", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    centred = Style(name="Titre", family="paragraph")
    centred.addElement(ParagraphProperties(textalign="center"))
    centred.addElement(TextProperties(fontsize="16pt", fontweight="bold"))
    wide = Style(name="Large", family="table-column")
    wide.addElement(TableColumnProperties(columnwidth="8cm"))
    for style in (bold, centred, wide):
        document.automaticstyles.addElement(style)
    body = document.text
    gift = transfer == Transfer.GIFT
    body.addElement(P(stylename=centred, text="Acte de don" if gift else "Convention de dépôt"))
    body.addElement(P(text=f"Fonds : {fonds.title}" + (f" ({fonds.call_number})" if fonds.call_number else "")))
    body.addElement(H(outlinelevel=2, text="Entre les soussignés"))
    body.addElement(P(text=f"{fonds.depositor_name}, ci-après « le déposant »" if not gift else
                      f"{fonds.depositor_name}, ci-après « le donateur »"))  # fmt: skip
    for line in filter(None, fonds.depositor_contact.splitlines()):
        body.addElement(P(text=line))
    body.addElement(P(text=f"et {association}, ci-après « l'association »."))
    body.addElement(H(outlinelevel=2, text="Objet"))
    if gift:
        body.addElement(P(text="Le donateur donne à l'association, qui l'accepte, la propriété des éléments "
                               "listés ci-dessous, pour leur conservation et leur valorisation."))  # fmt: skip
    else:
        body.addElement(P(text="Le déposant confie à l'association, qui l'accepte, la garde des éléments listés "
                               "ci-dessous ; il en reste propriétaire et peut les reprendre dans les conditions "
                               "prévues par le règlement des dépôts."))  # fmt: skip
    body.addElement(H(outlinelevel=2, text="Usages autorisés"))
    labels = dict(Use.choices)
    chosen = [str(labels[use]) for use in Use.values if use in set(uses)]
    for label in chosen or ["aucun usage au-delà de la conservation"]:
        body.addElement(P(text=f"– {label}"))
    body.addElement(H(outlinelevel=2, text="Éléments"))
    body.addElement(_items_table(fonds, wide))
    today = date_format(timezone.localdate(), "DATE_FORMAT")
    body.addElement(P(text=f"Fait en deux exemplaires, le {today}."))
    body.addElement(P(text="Pour le déposant :" if not gift else "Pour le donateur :"))
    body.addElement(P(text=""))
    body.addElement(P(text="Pour l'association :"))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def _items_table(fonds: Fonds, wide: Style) -> Table:
    table = Table(name="Elements")
    table.addElement(TableColumn())
    table.addElement(TableColumn(stylename=wide))
    for _ in range(3):
        table.addElement(TableColumn())
    rows = [("N°", "Titre ou sujet", "Années", "Format", "Bobines ou objets")]
    for item in fonds.items.filter(retained=True).order_by("position"):
        years = f"{item.year_from}–{item.year_to}" if item.year_to else str(item.year_from or "")
        rows.append((str(item.position), item.title, years, item.get_format_display(), str(item.count)))
    for values in rows:
        row = TableRow()
        for value in values:
            cell = TableCell()
            cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    return table
