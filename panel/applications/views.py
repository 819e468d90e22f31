"""Views of the applications area."""

from panel.applications import bp  # noqa: F401
