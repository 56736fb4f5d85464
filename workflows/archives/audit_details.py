"""How the audit log names the archive's changes and their details, in the reader's language."""

from django.utils.translation import gettext_lazy as _

from intranet.audit import AuditDetail
from workflows.archives.actions import ArchiveAction
from workflows.archives.files import ONLINE_ALLOWED, SIGNED_AGREEMENT_ATTACHED
from workflows.archives.models import Digitisation, Transfer, Use

ACTIONS = {
    ArchiveAction.OFFER_RECORDED: _("archive offer recorded"),
    ArchiveAction.ARCHIVIST_ASSIGNED: _("archivist assigned"),
    ArchiveAction.OFFER_DECLINED: _("archive offer declined"),
    ArchiveAction.OFFER_WITHDRAWN: _("archive offer withdrawn"),
    ArchiveAction.ITEM_APPRAISED: _("item appraised"),
    ArchiveAction.OPINION_ASKED: _("opinion asked of the collège Patrimoine"),
    ArchiveAction.OPINION_GIVEN: _("opinion of the collège Patrimoine given"),
    ArchiveAction.APPRAISAL_FINISHED: _("appraisal finished"),
    # Neutral in the audit log, which shows the choice beside it; the fonds's history names the
    # agreement itself (``models.AGREEMENT_RECORDED_AS``).
    ArchiveAction.AGREEMENT_RECORDED: _("deposit agreement or deed of gift recorded"),
    ArchiveAction.FONDS_CATALOGUED: _("fonds taken in and catalogued"),
    ArchiveAction.DIGITISATION_CHANGED: _("digitisation of an item moved on"),
    SIGNED_AGREEMENT_ATTACHED: _("signed agreement kept with the fonds"),
}


def _uses_in_one_text(value) -> str | None:
    """Rows written before kept the uses' codes in one text ("on_site,research")."""
    if not isinstance(value, str) or "," not in value:
        return None
    labels = dict(Use.choices)
    return ", ".join(str(labels.get(code, code)) for code in value.split(","))


DETAILS = {
    "archivist": AuditDetail(_("archivist")),
    "transfer": AuditDetail(_("deposit or gift"), values=dict(Transfer.choices)),
    "uses": AuditDetail(_("allowed uses"), values=dict(Use.choices), describe=_uses_in_one_text),
    "retained": AuditDetail(_("retained")),
    "item": AuditDetail(_("item")),
    "items": AuditDetail(_("items")),
    "was": AuditDetail(_("before"), values=dict(Digitisation.choices)),
    "now": AuditDetail(_("now"), values=dict(Digitisation.choices)),
    # Why a fonds's folder opened to every member; rows written before kept the English sentence.
    "reason": AuditDetail(
        values={
            ONLINE_ALLOWED: _("online publication allowed by the depositor"),
            "online publication allowed by the depositor": _("online publication allowed by the depositor"),
        }
    ),
}
