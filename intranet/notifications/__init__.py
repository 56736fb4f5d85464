"""Notifications: what happened that concerns a member, shown in the page (the bell) and sent by
e-mail (at once, grouped, or in a daily digest), never about something they may not see."""
