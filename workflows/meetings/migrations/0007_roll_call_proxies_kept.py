"""Roll-call ballots recorded before: who gave each for a represented member is read once from
the meeting's attendance as it stands (what the pages showed until now), then kept with it."""

from django.db import migrations


def keep_who_gave_each_ballot(apps, schema_editor):
    Attendance = apps.get_model("meetings", "Attendance")
    AgendaItem = apps.get_model("meetings", "AgendaItem")
    Ballot = apps.get_model("workflows", "Ballot")
    represented = Attendance.objects.filter(answer="proxy", present_in_room=False, proxy_to__isnull=False)
    for attendance in represented.iterator():
        votes = AgendaItem.objects.filter(meeting_id=attendance.meeting_id, vote__isnull=False).values("vote_id")
        Ballot.objects.filter(
            vote_id__in=votes, vote__close_reason="held_in_session", voter_id=attendance.member_id, cast_by__isnull=True
        ).update(cast_by_id=attendance.proxy_to_id)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0006_agenda_changed_since_convocation"),
        ("workflows", "0009_ballot_cast_by_proxy"),
    ]

    operations = [migrations.RunPython(keep_who_gave_each_ballot, migrations.RunPython.noop)]
