"""How a round's stage is shown: the list of stages with where the round is, and what is next.

Templates are given what this module decides, so none of them tests a stage's name.
"""

from datetime import date
from typing import NamedTuple

from panel.models import FundingRound, Stage
from panel.models.types import uk_date, uk_datetime, uk_today


class StageStep(NamedTuple):
    """One stage in the round page's list, and whether it is "done", "current" or "to come"."""

    label: str
    state: str


def stage_steps(round_: FundingRound) -> list[StageStep]:
    """Every stage in order, each marked done, current or to come for this round."""
    here = round_.current_stage.position
    return [
        StageStep(
            stage.label,
            "current" if stage.position == here else "done" if stage.position < here else "to come",
        )
        for stage in Stage
    ]


# Each stage's tag colour (panel.css .tag--*), so rounds at different stages are told apart
# at a glance; the words always say the stage too.
STAGE_COLOURS = {
    Stage.CODESIGN: "purple",
    Stage.APPLICATIONS: "blue",
    Stage.ELIGIBILITY: "yellow",
    Stage.SCORING: "orange",
    Stage.PANEL: "turquoise",
    Stage.DECIDED: "green",
}


def form_open(round_: FundingRound, today: date | None = None) -> bool:
    """The public form takes applications: stage Applications open, and today within the dates.
    Staff's pages and the public form both ask this, so they never disagree."""
    today = today or uk_today()
    if round_.current_stage is not Stage.APPLICATIONS:
        return False
    if round_.applications_open_on and today < round_.applications_open_on:
        return False
    return not (round_.applications_close_on and today > round_.applications_close_on)


def days_early(round_: FundingRound, today: date | None = None) -> int | None:
    """How many days before its advertised closing date moving on would close the public form
    (0: it was to close at the end of today), or None when moving on closes nothing early."""
    today = today or uk_today()
    close = round_.applications_close_on
    if round_.current_stage is not Stage.APPLICATIONS or close is None or today > close:
        return None
    return (close - today).days


def form_state(round_: FundingRound, today: date | None = None) -> str:
    """Whether the public form is open, in a sentence for staff, from the same rule as the form."""
    today = today or uk_today()
    opens, close = round_.applications_open_on, round_.applications_close_on
    if form_open(round_, today):
        return (
            f"Applications are open until {uk_date(close)}." if close else "Applications are open."
        )
    if round_.current_stage is Stage.APPLICATIONS and opens and today < opens:
        return f"Applications open on {uk_date(opens)}: the public form is closed until then."
    if round_.current_stage is Stage.APPLICATIONS and close:
        return (
            f"Applications closed on {uk_date(close)}: the public form is closed. "
            "Next: check each application is eligible."
        )
    return "The public form is closed."


# What is waiting at each stage, for staff and for a resident on the panel. {close} is the day
# applications close, {deadline} the end of scoring; each reads "" when the round has none.
FOR_STAFF = {
    Stage.CODESIGN: "Next: agree the criteria with the panel, then open applications.",
    Stage.APPLICATIONS: "Applications are open{close}.",
    Stage.ELIGIBILITY: "Next: check each application is eligible.",
    Stage.SCORING: "The panel is scoring{deadline}.",
    Stage.PANEL: "Next: hold the panel meeting and record decisions.",
    Stage.DECIDED: "Decisions are made. Results can be exported.",
}
FOR_PANELLISTS = {
    Stage.CODESIGN: "Help shape the criteria the panel will use.",
    Stage.APPLICATIONS: "Community groups are applying. Nothing to do yet.",
    Stage.ELIGIBILITY: "Staff are checking applications. Nothing to do yet.",
    Stage.SCORING: "Score the applications{deadline}.",
    Stage.PANEL: "The panel meeting: look at the results together.",
    Stage.DECIDED: "Decisions have been made.",
}


def next_step(round_: FundingRound, *, staff: bool, today: date | None = None) -> str:
    """What is waiting for the person in this round, in a sentence (staff or a panellist)."""
    close, deadline = round_.applications_close_on, round_.scoring_deadline
    if staff and round_.current_stage is Stage.APPLICATIONS:
        return form_state(round_, today)
    if staff:
        return FOR_STAFF[round_.current_stage].format(
            close=f" until {uk_date(close)}" if close else "",
            deadline=f" until {uk_datetime(deadline)}" if deadline else "",
        )
    return FOR_PANELLISTS[round_.current_stage].format(
        close="", deadline=f" by {uk_datetime(deadline)}" if deadline else ""
    )
