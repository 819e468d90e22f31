"""Grant Panel's scoring engine: framework-free, pure functions over frozen dataclasses.

The method is written in docs/scoring-method.md: sheet scores, panel aggregates, calibration,
disagreement, agreement, ranking with a seeded lottery for ties, and a suggested allocation
within the budget.
"""

from criteria.aggregate import aggregate, flag_disagreement
from criteria.agreement import agreement_reading, krippendorff_alpha
from criteria.allocation import allocate, pounds
from criteria.analysis import analyse_round, analyse_rows, moderation_agenda
from criteria.calibrate import calibrate
from criteria.errors import ScoringError
from criteria.model import (
    DEFAULT_SETTINGS,
    Agreement,
    Allocation,
    AllocationLine,
    Application,
    ApplicationResult,
    Calibration,
    Criterion,
    PanellistStats,
    Recusal,
    Review,
    RoundResult,
    Scale,
    Settings,
    Summary,
)
from criteria.ranking import lottery_key, lottery_order, order_with_draw, rank, tied_at_the_line
from criteria.sheet import percent, sheet_score

__all__ = [
    "DEFAULT_SETTINGS",
    "Agreement",
    "Allocation",
    "AllocationLine",
    "Application",
    "ApplicationResult",
    "Calibration",
    "Criterion",
    "PanellistStats",
    "Recusal",
    "Review",
    "RoundResult",
    "Scale",
    "ScoringError",
    "Settings",
    "Summary",
    "aggregate",
    "agreement_reading",
    "allocate",
    "analyse_round",
    "analyse_rows",
    "calibrate",
    "flag_disagreement",
    "krippendorff_alpha",
    "lottery_key",
    "lottery_order",
    "moderation_agenda",
    "order_with_draw",
    "percent",
    "pounds",
    "rank",
    "sheet_score",
    "tied_at_the_line",
]
