"""The scoring area's refusals: each carries a message fit to show to the person."""

from panel.models import Review


class ScoringError(ValueError):
    """A refusal with a message fit to show."""


class ScoringClosed(ScoringError):
    """The round is not at the Scoring stage: no score may change (HTTP 409)."""


class DeadlinePassed(ScoringError):
    """A panellist saving after the round's scoring deadline (HTTP 409)."""


class NotFound(ScoringError):
    """Something the person may not know about (HTTP 404): not on the panel, not eligible."""


class ConflictDeclared(NotFound):
    """The panellist has a standing conflict on this application: it is not theirs to score."""


class NoRubric(ScoringError):
    """The round has no adopted rubric to score against."""


class ReasonNeeded(ScoringError):
    """A revision at the panel meeting needs a short reason."""


class StaleReview(ScoringError):
    """The form was built from an older version of the review (another tab saved since)."""

    def __init__(self, review: Review | None) -> None:
        super().__init__(
            "This review was saved somewhere else (another tab or device) after you opened "
            "this page. Nothing you typed here has been saved yet. Check what is saved now, "
            "then save again if you want your answers below to replace it."
        )
        self.review = review


class InvalidReview(ScoringError):
    """Scores that break the rules; `errors` maps criterion id to a message for its field."""

    def __init__(self, errors: dict[int, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


class AlreadySubmitted(ScoringError):
    """A draft save of a submitted review would silently withdraw it: refused."""


class ConflictError(ScoringError):
    """A conflict declaration or withdrawal that cannot be made."""
