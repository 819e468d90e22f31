"""The refusals of the codesign services: each carries a message fit to show on the page."""

from panel.models import Criterion, Rubric


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


class StaleAdoption(CodesignError):
    """The adoption form was made while another rubric version was in force: nothing was adopted.

    `in_force` is the version in force now, to show beside the person's own choices."""

    def __init__(self, in_force: Rubric | None) -> None:
        changed = (
            f"Someone else adopted version {in_force.version} of the criteria"
            if in_force is not None
            else "The adopted criteria changed"
        )
        super().__init__(
            f"{changed} while you had this page open. Check it below; your choices are kept in "
            "the form. Adopt again only if you still want to replace it."
        )
        self.in_force = in_force


class Invalid(CodesignError):
    """Bad input; `problems` lists (field key, message) pairs for the form."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems[0][1])
        self.problems = problems
