"""Views of the codesign area."""

from panel.codesign import bp  # noqa: F401
