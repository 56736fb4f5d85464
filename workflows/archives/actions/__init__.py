"""Every change in archive deposits, from the offer to the catalogued fonds.

Each transition locks the fonds's process row, then the fonds, checks the policy and the step's
permission, changes the fonds, writes its audit row and completes the step, in one transaction.
Fonds numbers come from a per-year counter locked in the intake's transaction: unique and
without gaps, whatever happens at the same instant.

They live in ``offers`` (the offer and its triage, a withdrawal), ``appraisal`` (items appraised,
the collège's opinion) and ``intake`` (the agreement, call numbers and places, digitisation),
with their audit codes in ``common``; callers name them from here.
"""

from workflows.archives.actions.appraisal import appraise_item, ask_opinion, finish_appraisal, give_opinion
from workflows.archives.actions.common import ArchiveAction
from workflows.archives.actions.intake import (
    LOCATION_MAX_LENGTH,
    Placement,
    record_agreement,
    set_digitisation,
    take_in,
)
from workflows.archives.actions.offers import (
    MAX_OFFERS_WAITING,
    TITLE_MAX_LENGTH,
    assign_archivist,
    decline_offer,
    record_offer,
    withdraw_offer,
)

__all__ = [
    "LOCATION_MAX_LENGTH",
    "MAX_OFFERS_WAITING",
    "TITLE_MAX_LENGTH",
    "ArchiveAction",
    "Placement",
    "appraise_item",
    "ask_opinion",
    "assign_archivist",
    "decline_offer",
    "finish_appraisal",
    "give_opinion",
    "record_agreement",
    "record_offer",
    "set_digitisation",
    "take_in",
    "withdraw_offer",
]
