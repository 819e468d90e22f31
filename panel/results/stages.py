"""What a round's stage opens in the results area: each rule once, for services, views and
templates alike (templates are given the answers, never the stage names)."""

from dataclasses import dataclass

from panel.models import FundingRound, Stage


def results_open(round_: FundingRound) -> bool:
    """Results can be looked at from the Scoring stage on; they fill in as reviews come in."""
    return round_.current_stage in (Stage.SCORING, Stage.PANEL, Stage.DECIDED)


def meeting_open(round_: FundingRound) -> bool:
    """The meeting agenda and the decisions exist from the Panel meeting stage on."""
    return round_.current_stage in (Stage.PANEL, Stage.DECIDED)


def decisions_open(round_: FundingRound) -> bool:
    """Decisions, lottery draws and meeting notes are written at the Panel meeting stage only."""
    return round_.current_stage is Stage.PANEL


def decided(round_: FundingRound) -> bool:
    """A decided round is locked: its decisions and its method can no longer change."""
    return round_.current_stage is Stage.DECIDED


@dataclass(frozen=True)
class ResultsStage:
    """The rules above, answered for one round."""

    results_open: bool
    meeting_open: bool
    decisions_open: bool
    decided: bool


def results_stage(round_: FundingRound) -> ResultsStage:
    """Every stage rule of the results area answered for the round, for a template."""
    return ResultsStage(
        results_open=results_open(round_),
        meeting_open=meeting_open(round_),
        decisions_open=decisions_open(round_),
        decided=decided(round_),
    )
