"""The workflows' background jobs: close board votes past their deadline, remind those closing
within a day. Each runs under its database lock, one node at a time; underneath, each vote is
closed under its row lock and a reminder is a conditional update, so a second run does nothing.
"""

from __future__ import annotations

from intranet.jobs import Job, Report
from workflows.actions import close_votes_past_deadline, remind_votes_closing_soon


def close_votes() -> Report:
    closed = close_votes_past_deadline()
    return Report(f"{len(closed)} vote(s) closed." if closed else "")


def remind_votes() -> Report:
    reminded = remind_votes_closing_soon()
    return Report(f"{len(reminded)} reminder(s) of votes closing soon." if reminded else "")


JOBS = (
    Job("workflows.close_votes", close_votes, every=30.0),
    Job("workflows.remind_votes", remind_votes, every=30.0),
)
