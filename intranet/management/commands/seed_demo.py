from django.core.management.base import BaseCommand
from django.utils import timezone

from documents.demo import seed_document_demo
from forums.demo import seed_forum_demo
from intranet.demo import DEMO_PASSWORD, demo_login_lines, seed_demo
from intranet.models import User
from intranet.notifications.actions import settle_seeded_history
from intranet.search import indexer
from workflows.archives.demo import seed_archive_demo
from workflows.demo import seed_proposal_demo
from workflows.meetings.demo import seed_meeting_demo


class Command(BaseCommand):
    help = "Load the demo association (idempotent: only what is missing is created)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when the database already has members.")

    def handle(self, *args, if_empty=False, **options):
        if if_empty and User.objects.exists():
            self.stdout.write("Members already exist: demo data not loaded.")
            return
        started = timezone.now()
        created = seed_demo()
        created["threads"] = seed_forum_demo()
        created["documents"] = seed_document_demo()
        created["proposals"] = seed_proposal_demo()
        created["fonds"] = seed_archive_demo()
        created["meetings"] = seed_meeting_demo()
        # Part of the demo is written without the actions: the indexer takes everything in.
        indexer.queue_everything()
        # The demo's notifications show in the bells; nobody is e-mailed about the seeded past.
        settle_seeded_history(since=started)
        summary = (
            "{people} people, {memberships} collège memberships, {board} board roles, "
            "{threads} threads, {documents} documents, {proposals} proposals, {fonds} archive fonds, "
            "{meetings} board meeting created"
        ).format(**created)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({summary})."))
        lines = demo_login_lines()
        if lines:
            self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
            self.stdout.write("\n".join(lines))
