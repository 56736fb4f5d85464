"""Factories for people and their roles; roles go through the actions so groups stay in sync."""

from __future__ import annotations

import factory

from intranet import actions
from intranet.groups import sync_user_groups
from intranet.models import College, Profile, Territory, User

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        user = model_class.objects.create_user(*args, password=PASSWORD, **kwargs)
        sync_user_groups(user)
        return user


def make_staff(**kwargs) -> User:
    return UserFactory(is_staff=True, **kwargs)


def make_member(
    *,
    actor: User,
    college: str | None = None,
    role: str = "member",
    board_role: str | None = None,
    territory: str | None = None,
    **kwargs,
) -> User:
    user = UserFactory(**kwargs)
    if college:
        actions.add_college_member(actor, college=College.objects.get(slug=college), user=user, role=role)
    if board_role:
        actions.set_board_role(actor, user=user, role=board_role)
    if territory:
        Profile.objects.filter(user=user).update(territory=Territory.objects.get(code=territory))
    return user


def edit_profile(person: User, **changes) -> User:
    """The person edits their own profile through the action: what ``changes`` does not name
    keeps its current value."""
    profile = Profile.objects.get(user=person)
    current = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "skills": [skill.name for skill in profile.skills.all()],
        **{name: getattr(profile, name) for name in ("organisation", "trade", "territory", "bio", "phone", "website")},
        "show_email": profile.show_email,
        "show_phone": profile.show_phone,
    }
    return actions.update_profile(person, profile=profile, **{**current, **changes})


def make_incoming(name: str, data: bytes):
    """A file as the upload views hand it to the actions: already streamed to the incoming folder."""
    from documents.uploads import IncomingFile

    return IncomingFile.from_bytes(name, data)


def make_proposal(
    author: User,
    *,
    college: str = "production",
    title: str = "Festival des films d'école",
    stage: str = "on_agenda",
    reviewer: User | None = None,
):
    """A proposal taken through the process (never set by hand): ``draft``, ``in_review`` or
    ``on_agenda``. The review is done by ``reviewer``, or by a coordinator made for it."""
    from workflows import actions as workflow_actions

    proposal = workflow_actions.create_proposal(
        author,
        college=College.objects.get(slug=college),
        title=title,
        summary="Soutenir la sélection régionale.",
        body=f"Le collège propose : {title}.",
    )
    if stage == "draft":
        return proposal
    workflow_actions.submit_proposal(author, proposal=proposal)
    if stage == "in_review":
        return proposal
    if reviewer is None:
        staff = User.objects.filter(is_staff=True).first() or make_staff()
        reviewer = make_member(actor=staff, college=college, role="coordinator")
    workflow_actions.forward_proposal(reviewer, proposal=proposal, recommendation="Le collège recommande l'adoption.")
    proposal.refresh_from_db()
    return proposal


def make_held_meeting(secretary: User, *, minutes: str = "", public: bool = False, present=()):
    """A board meeting convened, held (``present`` and the secretary in the room) and closed, through
    the actions; with its minutes saved when ``minutes`` is given."""
    from datetime import timedelta

    from django.utils import timezone

    from workflows.meetings import actions as meeting_actions
    from workflows.meetings import holding
    from workflows.meetings import minutes as meeting_minutes
    from workflows.meetings.models import Meeting

    meeting = meeting_actions.plan_meeting(secretary, starts_at=timezone.now() + timedelta(days=12), place="Niort")
    meeting_actions.add_free_item(secretary, meeting=meeting, kind="information", title="Rapport d'activité")
    meeting = meeting_actions.convene(secretary, meeting=meeting)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    meeting.refresh_from_db()
    in_room = {secretary.pk, *(person.pk for person in present)}
    meeting_actions.record_presence(secretary, meeting=meeting, present=in_room)
    meeting = holding.close_meeting(secretary, meeting=meeting)
    if minutes:
        meeting_minutes.save_minutes(secretary, meeting=meeting, text=minutes, public_to_members=public)
    return meeting
