"""The background worker: every app's jobs in one loop (``intranet.worker``).

`make run` starts it beside the server (``manage.py serve``); in production, run one per node as
a service (it stops cleanly on SIGTERM, after the job under way), or from cron with ``--once``.
"""

from django.core.management.base import BaseCommand, CommandError

from intranet.jobs import registered_jobs
from intranet.worker import Worker


class Command(BaseCommand):
    help = "Run the background jobs: search indexing, e-mails, text extraction, votes past their deadline."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Run every job until none has anything left to do, then stop (cron)."
        )
        parser.add_argument(
            "--only", action="append", metavar="JOB", help="Run only this job (repeatable); --list shows their names."
        )
        parser.add_argument(
            "--list", dest="list_jobs", action="store_true", help="List the jobs and their intervals, then stop."
        )
        parser.add_argument(
            "--interval", type=float, help="Run each idle job at least this often, in seconds (for tests and demos)."
        )
        parser.add_argument(
            "--stop-with-parent", action="store_true", help="Stop when the process that started this one ends."
        )

    def handle(self, *args, once, only, list_jobs, interval, stop_with_parent, **options):
        jobs = registered_jobs()
        if list_jobs:
            for job in jobs:
                kind = "one node at a time" if job.exclusive else "claims its queue's rows"
                self.stdout.write(f"{job.name}: every {job.every:g} s when idle, {kind}")
            return
        if only:
            unknown = set(only) - {job.name for job in jobs}
            if unknown:
                raise CommandError(f"Unknown job(s): {', '.join(sorted(unknown))}. See --list.")
            jobs = [job for job in jobs if job.name in only]
        worker = Worker(jobs, say=self.say, longest_interval=interval, stop_with_parent=stop_with_parent)
        worker.run(once=once)

    def say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
