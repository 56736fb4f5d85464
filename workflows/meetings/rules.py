"""The meeting's quorum and the proxy rules: pure functions over the board and the answers, so the
rule table is tested without a database and the page, the API and the actions agree."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Quorum:
    board_size: int
    present: int
    represented: int  # absent members whose proxy holder is present
    needed: int

    @property
    def counted(self) -> int:
        return self.present + self.represented

    @property
    def reached(self) -> bool:
        return self.board_size > 0 and self.counted >= self.needed


def meeting_quorum(
    board: set[int], present: set[int], proxies: Mapping[int, int], *, quorum: Fraction, max_held: int
) -> Quorum:
    """``proxies`` maps an absent member to the member holding their proxy. A proxy counts when
    its giver is on the board and absent, its holder on the board and present, and within the
    holder's first ``max_held`` proxies (in the order of the givers' ids, as they were given)."""
    present = present & board
    return Quorum(
        board_size=len(board),
        present=len(present),
        represented=len(represented_members(board, present, proxies, max_held=max_held)),
        needed=max(1, math.ceil(quorum * len(board))),
    )


def represented_members(
    board: set[int], present: set[int], proxies: Mapping[int, int], *, max_held: int
) -> dict[int, int]:
    """The absent members whose proxy counts → the present member holding it."""
    held: dict[int, int] = {}
    represented = {}
    for giver, holder in sorted(proxies.items()):
        if giver in board and giver not in present and holder in present and held.get(holder, 0) < max_held:
            held[holder] = held.get(holder, 0) + 1
            represented[giver] = holder
    return represented


def proxy_problem(
    giver: int, holder: int, *, board: set[int], held_by_holder: int, max_held: int, holder_answer: str = ""
) -> str | None:
    """Why ``giver`` may not give their proxy to ``holder`` (a code), or None. A proxy goes to
    someone who will be there: not to a member who answered absent or gave their own proxy."""
    if holder == giver:
        return "oneself"
    if holder not in board:
        return "not_on_board"
    if holder_answer in ("absent", "proxy"):
        return "holder_away"
    if held_by_holder >= max_held:
        return "holder_full"
    return None


def may_swap(kind: str, neighbour_kind: str) -> bool:
    """Two neighbours of the agenda may swap unless one is an approval of minutes and the other
    not: the approvals of earlier minutes open the meeting."""
    return (kind == "minutes") == (neighbour_kind == "minutes")


def quorum_of_attendance(
    board: set[int], rows: list[tuple[int, str, int | None, bool | None]], *, quorum: Fraction, max_held: int
) -> tuple[Quorum, bool]:
    """The quorum from the attendance rows ``(member, answer, proxy holder, in the room)``: from
    the roll call once the secretary recorded one, else from the answers ("present", "proxy").
    Also says whether it came from the roll call."""
    from_roll_call = any(in_room is not None for _member, _answer, _holder, in_room in rows)
    proxies = {member: holder for member, answer, holder, _in_room in rows if answer == "proxy" and holder}
    if from_roll_call:
        present = {member for member, _answer, _holder, in_room in rows if in_room}
    else:
        present = {member for member, answer, _holder, _in_room in rows if answer == "present"}
        present |= present_as_holders(rows)
    return meeting_quorum(board, present, proxies, quorum=quorum, max_held=max_held), from_roll_call


def present_as_holders(rows: list[tuple[int, str, int | None, bool | None]]) -> set[int]:
    """Members who have not answered yet but hold someone's proxy: they count as present (they may
    no longer answer absent nor give their own proxy while they hold one)."""
    answered = {member for member, answer, _holder, _in_room in rows if answer}
    return {holder for _member, answer, holder, _in_room in rows if answer == "proxy" and holder} - answered


def room_voters(
    board: set[int], rows: list[tuple[int, str, int | None, bool | None]], *, max_held: int
) -> dict[int, int | None]:
    """Who votes in the room, from the roll call: each member present (→ None) and each member
    represented (→ the present member who holds their proxy)."""
    present = {member for member, _answer, _holder, in_room in rows if in_room} & board
    proxies = {member: holder for member, answer, holder, _in_room in rows if answer == "proxy" and holder}
    voters: dict[int, int | None] = dict.fromkeys(present)
    voters.update(represented_members(board, present, proxies, max_held=max_held))
    return voters
