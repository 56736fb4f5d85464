"""Who may do what with people, collèges and profiles. Views, templates and actions ask here."""

from __future__ import annotations

from contextlib import contextmanager

from django.db.models import BigIntegerField, BooleanField, CharField, Value

from intranet.models import BoardMembership, CollegeMembership, CollegeRole


def is_member(user) -> bool:
    """Any active account: every member reads the directory and the general space."""
    return bool(user and user.is_authenticated and user.is_active)


def can_manage_association(user) -> bool:
    """Staff manage collèges, memberships, roles, invitations and read the audit log."""
    return is_member(user) and user.is_staff


_ROLES = "_roles_read_once"


class _Roles:
    """A person's collège memberships and board roles, read together at the first question."""

    def __init__(self, user):
        self.user = user
        self._colleges: dict[int, tuple[str, bool]] | None = None
        self._ids_by_slug: dict[str, int] = {}
        self._board: set[str] = set()
        self.answers: dict[str, object] = {}  # other questions read once for the block (read_once)

    def _read(self) -> None:
        memberships = CollegeMembership.objects.filter(user=self.user).values_list(
            "college_id", "role", "college__is_active", "college__slug"
        )
        # One query for both: board rows come with no collège.
        board = BoardMembership.objects.filter(user=self.user).values_list(
            Value(None, output_field=BigIntegerField()),
            "role",
            Value(True, output_field=BooleanField()),
            Value("", output_field=CharField()),
        )
        self._colleges = {}
        for college_id, role, active, slug in memberships.union(board, all=True):
            if college_id is None:
                self._board.add(role)
            else:
                self._colleges[college_id] = (role, active)
                self._ids_by_slug[slug] = college_id

    @property
    def board(self) -> set[str]:
        if self._colleges is None:
            self._read()
        return self._board

    def college_id(self, slug: str) -> int | None:
        """The id of the person's collège ``slug``, if they are in it."""
        if self._colleges is None:
            self._read()
        return self._ids_by_slug.get(slug)

    @property
    def colleges(self) -> dict[int, tuple[str, bool]]:
        """Collège id → (role, whether the collège is active)."""
        if self._colleges is None:
            self._read()
        return self._colleges


def _roles_read_once(user) -> _Roles | None:
    known = getattr(user, _ROLES, None)
    return known if known is not None and is_member(user) else None


def is_board_member(user, *, roles=None) -> bool:
    """On the board (holding one of ``roles``, when given)."""
    known = _roles_read_once(user)
    if known is not None:
        return bool(known.board) if roles is None else bool(known.board.intersection(roles))
    memberships = BoardMembership.objects.filter(user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return is_member(user) and memberships.exists()


@contextmanager
def roles_read_once(user):
    """Within this block (a page being read, the scopes of a search: several questions about one
    moment), the person's board roles and collège memberships are read once, at the first
    question; forgotten at its end. Not for blocks that may change them."""
    if user is None or getattr(user, _ROLES, None) is not None:
        yield
        return
    try:
        setattr(user, _ROLES, _Roles(user))
    except AttributeError:  # an object that takes no attributes: asked each time, as usual
        yield
        return
    try:
        yield
    finally:
        delattr(user, _ROLES)


def read_once(user, question: str, answer):
    """``answer()``, asked once within a ``roles_read_once`` block (a page being read), else each
    time: for what several parts of one page ask of the same person."""
    known = _roles_read_once(user)
    if known is None:
        return answer()
    if question not in known.answers:
        known.answers[question] = answer()
    return known.answers[question]


def answered_once(user, question: str) -> bool:
    """Whether ``read_once`` already answered ``question`` in this block: a part of the page
    may then use that answer (a list of ids) where it would otherwise compile a subquery."""
    known = _roles_read_once(user)
    return known is not None and question in known.answers


def roles_of(user) -> _Roles:
    """The person's roles: those read once for this block, else read now (each asked once)."""
    return _roles_read_once(user) or _Roles(user)


def belongs_to_college(user, college_id: int) -> bool:
    known = _roles_read_once(user)
    if known is not None:
        return college_id in known.colleges
    return is_member(user) and CollegeMembership.objects.filter(user=user, college_id=college_id).exists()


def can_follow_college_news(user, college_id: int) -> bool:
    """Whose open home is told of a collège's news: its members, and staff (whose home shows
    every collège's)."""
    return can_manage_association(user) or belongs_to_college(user, college_id)


def coordinates_college(user, college_id: int) -> bool:
    known = _roles_read_once(user)
    if known is not None:
        return known.colleges.get(college_id, ("", False))[0] == CollegeRole.COORDINATOR
    return (
        is_member(user)
        and CollegeMembership.objects.filter(user=user, college_id=college_id, role=CollegeRole.COORDINATOR).exists()
    )


def coordinates_active_college(user, slug: str) -> bool:
    """Coordinates the collège ``slug`` while it is active (the collège Patrimoine's opinion on
    an archive's fonds); from the roles read once for this block when they are."""
    known = _roles_read_once(user)
    if known is not None:
        college_id = known.college_id(slug)
        return college_id is not None and known.colleges[college_id] == (CollegeRole.COORDINATOR, True)
    return (
        is_member(user)
        and CollegeMembership.objects.filter(
            user=user, college__slug=slug, college__is_active=True, role=CollegeRole.COORDINATOR
        ).exists()
    )


def can_use_admin(user) -> bool:
    return can_manage_association(user) or bool(is_member(user) and user.is_superuser)


def can_view_member(viewer, member) -> bool:
    """Members see active members; staff also see deactivated accounts."""
    return is_member(viewer) and (member.is_active or can_manage_association(viewer))


def can_edit_profile(user, profile) -> bool:
    return is_member(user) and (profile.user_id == user.pk or can_manage_association(user))


def visible_contact(viewer, profile) -> dict[str, str]:
    """The contact details of ``profile`` that ``viewer`` may read, as the profile allows."""
    sees_everything = profile.user_id == viewer.pk or can_manage_association(viewer)
    contact = {}
    if profile.user.email and (sees_everything or profile.show_email):
        contact["email"] = profile.user.email
    if profile.phone and (sees_everything or profile.show_phone):
        contact["phone"] = profile.phone
    if profile.website:
        contact["website"] = profile.website
    return contact
