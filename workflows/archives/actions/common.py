"""What the archive's actions share: the codes of their audit rows."""


class ArchiveAction:
    """Audit codes of the archive (their labels: ``workflows.archives.audit_details``)."""

    OFFER_RECORDED = "archive.offer_recorded"
    ARCHIVIST_ASSIGNED = "archive.archivist_assigned"
    OFFER_DECLINED = "archive.offer_declined"
    OFFER_WITHDRAWN = "archive.offer_withdrawn"
    ITEM_APPRAISED = "archive.item_appraised"
    OPINION_ASKED = "archive.opinion_asked"
    OPINION_GIVEN = "archive.opinion_given"
    APPRAISAL_FINISHED = "archive.appraisal_finished"
    AGREEMENT_RECORDED = "archive.agreement_recorded"
    FONDS_CATALOGUED = "archive.fonds_catalogued"
    DIGITISATION_CHANGED = "archive.digitisation_changed"
