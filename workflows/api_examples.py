"""The demo association's answers, shown as the examples of the workflow API's schema
(``workflows.api``; a test checks them against the schema)."""

PERSON_EXAMPLE = {"id": 3, "name": "Isabelle Garnier", "handle": "isabelle.garnier"}
PROPOSAL_EXAMPLE = {
    "id": 2,
    "title": "Fonds d'aide au court métrage : nouveau règlement",
    "summary": "Simplifier le dossier de demande et ouvrir une session d'automne.",
    "college": "production",
    "author": PERSON_EXAMPLE,
    "status": "in_review",
    "status_label": "en examen dans le collège",
    "revision": 2,
    "updated_at": "2026-11-20T14:12:08+01:00",
}
VOTE_EXAMPLE = {
    "id": 3,
    "opened_at": "2026-11-24T09:00:00+01:00",
    "deadline": "2026-12-01T18:00:00+01:00",
    "is_open": True,
    "closed_at": None,
    "close_reason": "",
    "result": "",
    # Counted when the vote closes.
    "board_size": None,
    "votes_for": None,
    "votes_against": None,
    "abstentions": None,
    "quorum_needed": None,
    "quorum_reached": None,
}
ALLOWED_NOTHING = dict.fromkeys(
    ["can_edit", "can_submit", "can_withdraw", "can_review", "can_open_vote", "can_vote", "can_close_vote"], False
)
PROPOSAL_DETAIL_EXAMPLE = {
    **PROPOSAL_EXAMPLE,
    "status": "voting",
    "status_label": "vote du CA ouvert",
    "revision": 3,
    "body": "Le dossier de demande tient désormais en **quatre pages**, et une session s'ouvre en octobre.",
    "body_html": (
        "<p>Le dossier de demande tient désormais en <strong>quatre pages</strong>, "
        "et une session s'ouvre en octobre.</p>"
    ),
    "budget": "45000.00",
    "wished_decision_date": "2026-12-15",
    "recommendation": "Avis favorable du collège.",
    "review_note": "",
    "submitted_at": "2026-11-18T10:00:00+01:00",
    "forwarded_at": "2026-11-20T14:12:08+01:00",
    "created_at": "2026-11-12T16:45:00+01:00",
    "thread": 20,
    "votes": [VOTE_EXAMPLE],
    "my_ballot": "for",
    "decisions": [],
    "allowed": {**ALLOWED_NOTHING, "can_vote": True, "can_close_vote": True},
}
DECISION_EXAMPLE = {
    "number": "CA-2026-002",
    "year": 2026,
    "title": "Vente de copies numériques aux particuliers",
    "outcome": "rejected",
    "votes_for": 0,
    "votes_against": 4,
    "abstentions": 0,
    "quorum_reached": True,
    "decided_at": "2026-11-25T18:30:00+01:00",
    "college": "patrimoine",
    "proposal": 7,
    "amends": None,
    "repeals": None,
}
TASKS_EXAMPLE = {
    "steps": [
        {
            "id": 5,
            "step": "Examen par le collège",
            "proposal": PROPOSAL_EXAMPLE,
            "created": "2026-11-18T10:00:00+01:00",
            "owner": {"id": 8, "name": "Camille Martin", "handle": "camille.martin"},
            "taken_by_me": True,
        }
    ],
    "ballots": [
        {
            "vote": 4,
            "proposal": 4,
            "title": "Adhésion au réseau national des salles de proximité",
            "deadline": "2026-12-03T18:00:00+01:00",
        }
    ],
}
