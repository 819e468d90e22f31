"""Views of the scoring area."""

from panel.scoring import bp  # noqa: F401
