"""The refusals of the codesign services: each carries a message fit to show on the page."""

from panel.models import Criterion


class CodesignError(ValueError):
    """A refusal with a message fit to show on the page; `field` names the form field, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Closed(CodesignError):
    """The action is not open at the round's stage (or the rubric is locked)."""


class NotAllowed(CodesignError):
    """The person may see the criterion but not do this to it (e.g. a resident and a fixed one)."""


class StaleEdit(CodesignError):
    """The edit form was made from an older version: nothing was saved."""

    def __init__(self, criterion: Criterion) -> None:
        super().__init__(
            "Someone else changed this criterion while you were editing it. Nothing has been "
            "overwritten: compare the two versions below."
        )
        self.criterion = criterion


class Invalid(CodesignError):
    """Bad input; `problems` lists (field key, message) pairs for the form."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems[0][1])
        self.problems = problems
