"""The one error type the scoring engine raises."""

from __future__ import annotations


class ScoringError(ValueError):
    """Input to the scoring engine is invalid; the message names what and where in plain English."""
