"""The minutes' first draft, written from the meeting (who was there, the proxies, the quorum,
each item with its decision and tally), and the approved minutes as an OpenDocument text.

In French, like the deposit agreement: the minutes are a legal document of the association,
kept in its register of minutes whatever language the secretary reads the intranet in.
"""

from __future__ import annotations

import io
import re

from django.utils import timezone, translation
from django.utils.formats import date_format
from odf.opendocument import OpenDocumentText
from odf.style import ParagraphProperties, Style, TextProperties
from odf.text import H, P

from intranet.models import BoardMembership
from workflows.meetings import rules
from workflows.meetings.models import Answer, Attendance, ItemKind, Meeting, Minutes
from workflows.meetings.room import NamedBallot, item_vote_is_an_unbroken_tie, roll_calls_of
from workflows.models import BallotChoice, VoteResult

CASTING = " ; la voix prépondérante de la présidence a départagé l'égalité"
TIE = " ; égalité des voix, qu'aucune voix prépondérante n'a départagée"
OUTCOME = {VoteResult.ADOPTED: "adopté", VoteResult.REJECTED: "rejeté", VoteResult.NO_QUORUM: "quorum non atteint"}
CHOICE = {BallotChoice.FOR: "pour", BallotChoice.AGAINST: "contre", BallotChoice.ABSTAIN: "abstention"}


def _when(moment) -> str:
    local = timezone.localtime(moment)
    return f"{date_format(local, 'DATE_FORMAT')} à {local:%H:%M}"


def _tally(votes_for, votes_against, abstentions) -> str:
    return f"{votes_for} pour, {votes_against} contre, {abstentions} abstention{'s' if abstentions > 1 else ''}"


def first_draft(meeting: Meeting) -> str:
    """What the secretary starts from: everything the meeting already knows, in Markdown."""
    with translation.override("fr"):
        return "\n".join(_draft_lines(meeting)) + "\n"


def _draft_lines(meeting: Meeting):
    where = ", ".join(filter(None, [meeting.place, "en visioconférence" if meeting.video_link else ""]))
    yield f"Le conseil d'administration s'est réuni le {_when(meeting.starts_at)}" + (f", {where}." if where else ".")
    if meeting.convened_at:
        yield f"Il avait été convoqué le {date_format(timezone.localtime(meeting.convened_at), 'DATE_FORMAT')}."
    if meeting.convened_late:
        yield "La convocation a été envoyée moins tôt que le délai prévu par les statuts ; le conseil en a pris acte."
    if meeting.agenda_changed_at:  # the board was told of each change (workflows.meetings.agenda_changes)
        changed = date_format(timezone.localtime(meeting.agenda_changed_at), "DATE_FORMAT")
        yield f"L'ordre du jour a été modifié après la convocation (dernière modification le {changed})."
    if meeting.agenda_added_late:
        yield "Des points y ont été ajoutés moins tôt que le délai prévu par les statuts ; le conseil en a pris acte."
    yield ""
    yield from _attendance_lines(meeting)
    yield ""
    yield "# Ordre du jour"
    yield ""
    items = list(meeting.items.select_related("proposal", "vote__decision", "minutes_of").order_by("position"))
    roll_calls = roll_calls_of(meeting, [item.vote for item in items])
    for item in items:
        if item.withdrawn_at is not None:
            # Its title stays out of minutes that members may read: the proposal is no longer theirs to open.
            yield f"## {item.position}. Proposition retirée par son auteur"
            yield ""
            yield "La proposition a été retirée par son auteur après la convocation : elle n'a pas été mise aux voix."
            yield ""
            continue
        yield f"## {item.position}. {item.shown_title}"
        yield ""
        yield from _item_lines(item, roll_calls.get(item.vote_id, []))
        yield ""
    yield "L'ordre du jour étant épuisé, la séance est levée."
    yield ""
    yield "Le président ou la présidente — Le ou la secrétaire"


def _attendance_lines(meeting: Meeting):
    board = {
        membership.user_id: membership.user
        for membership in BoardMembership.objects.filter(user__is_active=True).select_related("user")
    }
    rows = list(Attendance.objects.filter(meeting=meeting).select_related("proxy_to"))
    by_member = {row.member_id: row for row in rows}
    quorum, from_roll_call = rules.quorum_of_attendance(
        set(board),
        [(row.member_id, row.answer, row.proxy_to_id, row.present_in_room) for row in rows],
        quorum=meeting.quorum,
        max_held=meeting.max_proxies_held or 0,
    )

    def present(member_id):
        row = by_member.get(member_id)
        if row is None:
            return False
        return bool(row.present_in_room) if from_roll_call else row.answer == Answer.PRESENT

    def names(people):
        return ", ".join(sorted(person.get_full_name() for person in people)) or "aucun"

    here = [person for member_id, person in board.items() if present(member_id)]
    represented = [
        (person, by_member[member_id].proxy_to)
        for member_id, person in board.items()
        if not present(member_id)
        and by_member.get(member_id)
        and by_member[member_id].answer == Answer.PROXY
        and present(by_member[member_id].proxy_to_id)
    ]
    away = [person for member_id, person in board.items() if not present(member_id)]
    away = [person for person in away if person not in {giver for giver, _holder in represented}]
    yield "# Présences"
    yield ""
    yield f"- Présents : {names(here)}"
    given = "; ".join(f"{giver.get_full_name()} (pouvoir à {holder.get_full_name()})" for giver, holder in represented)
    yield f"- Représentés : {given or 'aucun'}"
    yield f"- Absents : {names(away)}"
    yield ""
    reached = "le quorum est atteint" if quorum.reached else "le quorum n'est pas atteint"
    yield (
        f"{quorum.counted} membres du conseil sur {quorum.board_size} sont présents ou représentés "
        f"({quorum.needed} requis) : {reached}."
    )


def _item_lines(item, roll_call: list[NamedBallot]):
    if item.kind == ItemKind.MINUTES and item.minutes_of is not None:
        of = date_format(timezone.localtime(item.minutes_of.starts_at), "DATE_FORMAT")
        if item.approval_result:
            counts = item.approval_counts or {}
            tally = _tally(counts.get("for", 0), counts.get("against", 0), counts.get("abstentions", 0))
            casting = CASTING if counts.get("casting_vote_used") else TIE if item_vote_is_an_unbroken_tie(item) else ""
            yield f"Le procès-verbal de la séance du {of} est {OUTCOME[item.approval_result]} ({tally}){casting}."
        else:
            yield f"Le procès-verbal de la séance du {of} n'a pas été mis aux voix."
    elif item.kind == ItemKind.PROPOSAL:
        vote = item.vote
        if vote is None or not vote.result:
            yield "Ce point n'a pas été mis aux voix : il est reporté à une prochaine séance."
        else:
            tally = _tally(vote.votes_for or 0, vote.votes_against or 0, vote.abstentions or 0)
            outcome = {VoteResult.ADOPTED: "adoptée", VoteResult.REJECTED: "rejetée"}.get(
                vote.result, "non tranchée, faute de quorum"
            )
            decision = getattr(vote, "decision", None)
            number = f" (décision n° {decision.number})" if decision else ""
            casting = CASTING if vote.casting_vote_used else TIE if item_vote_is_an_unbroken_tie(item) else ""
            yield f"La proposition est {outcome}{number} : {tally}{casting}."
            if roll_call:  # a vote by roll call names each voter present or represented
                yield ""
                yield "Vote par appel nominal :"
                yield ""
                for ballot in roll_call:
                    proxy = f" (pouvoir à {ballot.proxy_holder.get_full_name()})" if ballot.proxy_holder else ""
                    yield f"- {ballot.voter.get_full_name()}{proxy} : {CHOICE[ballot.choice]}"
    if item.notes:
        yield ""
        yield item.notes


# --- The approved minutes as an OpenDocument text ---------------------------------------------


def minutes_title(meeting: Meeting) -> str:
    with translation.override("fr"):
        day = date_format(timezone.localtime(meeting.starts_at), "DATE_FORMAT")
    return f"Procès-verbal de la séance du conseil d'administration du {day}"


def minutes_odt(minutes: Minutes) -> bytes:
    """Headings, paragraphs and list lines of the Markdown text, as a word processor shows them."""
    document = OpenDocumentText()
    title = Style(name="Titre", family="paragraph")
    title.addElement(ParagraphProperties(textalign="center"))
    title.addElement(TextProperties(fontsize="16pt", fontweight="bold"))
    document.automaticstyles.addElement(title)
    body = document.text
    body.addElement(P(stylename=title, text=minutes_title(minutes.meeting)))
    for block in re.split(r"\n\s*\n", minutes.text.replace("\r\n", "\n").strip()):
        heading = re.match(r"(#{1,6})\s+(.*)", block)
        if heading and "\n" not in block:
            body.addElement(H(outlinelevel=len(heading.group(1)), text=heading.group(2)))
            continue
        for line in block.split("\n"):
            text = re.sub(r"^\s*[-*]\s+", "– ", line)
            body.addElement(P(text=re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: m.group(1) or m.group(2), text)))
    if minutes.approved_at is not None:
        with translation.override("fr"):
            approved = date_format(timezone.localtime(minutes.approved_at), "DATE_FORMAT")
        body.addElement(P(text=f"Approuvé par le conseil d'administration le {approved}."))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()
