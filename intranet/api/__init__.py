"""The REST API (``/api/v1/``): the same policies, selectors and actions as the pages, reached
with the session (and its CSRF token) or a personal API token."""
