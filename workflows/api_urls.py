"""The workflows API's routes (under /api/v1/)."""

urlpatterns: list = []
