"""Frozen inputs and outputs of the scoring engine, in the words of the domain."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from criteria.errors import ScoringError

Kind = Literal["scored", "eligibility"]
RankBy = Literal["mean", "median", "calibrated"]
Policy = Literal["skip", "stop"]
Status = Literal["funded", "did not fit", "not reached", "not taking part"]
Fractional = Decimal | Fraction | int

KINDS: frozenset[str] = frozenset({"scored", "eligibility"})
RANK_BY: frozenset[str] = frozenset({"mean", "median", "calibrated"})
POLICIES: frozenset[str] = frozenset({"skip", "stop"})


def _is_int(value: object) -> bool:
    return type(value) is int


def _check_fraction(name: str, value: object, *, upper: int | None = None) -> None:
    if not isinstance(value, Decimal | Fraction) and not _is_int(value):
        raise ScoringError(
            f"Setting {name} must be a Decimal, Fraction or whole number, not {value!r}."
        )
    assert isinstance(value, Decimal | Fraction | int)
    if isinstance(value, Decimal) and not value.is_finite():
        raise ScoringError(f"Setting {name} must be a finite number, not {value!r}.")
    if value < 0 or (upper is not None and value > upper):
        limit = f"between 0 and {upper}" if upper is not None else "0 or more"
        raise ScoringError(f"Setting {name} must be {limit}, not {value}.")


@dataclass(frozen=True, slots=True)
class Scale:
    """The whole-number scale panellists score on, from minimum to maximum inclusive."""

    minimum: int = 0
    maximum: int = 5

    def __post_init__(self) -> None:
        if not _is_int(self.minimum) or not _is_int(self.maximum):
            raise ScoringError(
                f"The scale's ends must be whole numbers, not {self.minimum!r} "
                f"and {self.maximum!r}."
            )
        if self.minimum >= self.maximum:
            raise ScoringError(
                f"The scale's minimum ({self.minimum}) must be below its maximum ({self.maximum})."
            )

    @property
    def span(self) -> int:
        """Maximum minus minimum."""
        return self.maximum - self.minimum

    @property
    def levels(self) -> range:
        """Every allowed score, lowest first."""
        return range(self.minimum, self.maximum + 1)


@dataclass(frozen=True, slots=True)
class Criterion:
    """A criterion: scored with a weight of 0 or more, or a pass/fail eligibility check by staff."""

    key: str
    title: str
    weight: int | Decimal = 1
    kind: Kind = "scored"

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not self.key:
            raise ScoringError(f"A criterion's key must be a non-empty text, not {self.key!r}.")
        if self.kind not in KINDS:
            raise ScoringError(
                f"Criterion '{self.key}' has kind {self.kind!r}; "
                "it must be 'scored' or 'eligibility'."
            )
        weight = self.weight
        if not _is_int(weight) and not (isinstance(weight, Decimal) and weight.is_finite()):
            raise ScoringError(
                f"Criterion '{self.key}' has weight {weight!r}; "
                "a weight must be a whole number or a Decimal."
            )
        if weight < 0:
            raise ScoringError(
                f"Criterion '{self.key}' has weight {weight}; a weight must be 0 or more."
            )


@dataclass(frozen=True, slots=True)
class Review:
    """One panellist's submitted review of one application: a score per scored criterion key."""

    application: str
    panellist: str
    scores: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class Recusal:
    """A declared conflict of interest: the panellist has no review of the application."""

    application: str
    panellist: str


@dataclass(frozen=True, slots=True)
class Application:
    """An application in the round, with the amount it asks for in whole pence."""

    reference: str
    amount_requested: int
    eligible: bool = True

    def __post_init__(self) -> None:
        if not _is_int(self.amount_requested) or self.amount_requested < 0:
            raise ScoringError(
                f"Application '{self.reference}' asks for {self.amount_requested!r}; "
                "the amount must be a whole number of pence, 0 or more."
            )
        if type(self.eligible) is not bool:
            raise ScoringError(
                f"Application '{self.reference}' has eligible={self.eligible!r}; "
                "it must be True or False."
            )


@dataclass(frozen=True, slots=True)
class Settings:
    """The round's choices: quorum, calibration, ranking figure, flag thresholds, allocation."""

    quorum: int = 3
    calibrate: bool = False
    rank_by: RankBy = "mean"
    sd_flag: Fractional = Decimal("0.2")
    range_flag: Fractional = Decimal("0.4")
    min_percent: Fractional = Decimal(0)
    policy: Policy = "skip"

    def __post_init__(self) -> None:
        if not _is_int(self.quorum) or self.quorum < 1:
            raise ScoringError(
                f"Setting quorum must be a whole number, 1 or more, not {self.quorum!r}."
            )
        if type(self.calibrate) is not bool:
            raise ScoringError(f"Setting calibrate must be True or False, not {self.calibrate!r}.")
        if self.rank_by not in RANK_BY:
            raise ScoringError(
                f"Setting rank_by is {self.rank_by!r}; it must be 'mean', 'median' or 'calibrated'."
            )
        if self.policy not in POLICIES:
            raise ScoringError(f"Setting policy is {self.policy!r}; it must be 'skip' or 'stop'.")
        _check_fraction("sd_flag", self.sd_flag)
        _check_fraction("range_flag", self.range_flag)
        _check_fraction("min_percent", self.min_percent, upper=100)


DEFAULT_SETTINGS = Settings()


@dataclass(frozen=True, slots=True)
class Summary:
    """One application's sheet scores summarised; figures are None when there are too few scores."""

    n: int
    mean: float | None
    median: float | None
    sd: float | None
    range: float | None
    minimum: float | None
    maximum: float | None
    se: float | None


@dataclass(frozen=True, slots=True)
class PanellistStats:
    """One panellist's own sheet scores: how many, their mean and SD (ddof=1, None when n < 2)."""

    panellist: str
    n: int
    mean: float | None
    sd: float | None


@dataclass(frozen=True, slots=True)
class Calibration:
    """Harsh/lenient correction: per application G + g * mean z, with the figures behind it."""

    calibrated: dict[str, float]
    mean_z: dict[str, float]
    panellists: tuple[PanellistStats, ...]
    grand_mean: float | None
    grand_sd: float | None


@dataclass(frozen=True, slots=True)
class Agreement:
    """Krippendorff's alpha (interval) with D_o, D_e, pairable values and a plain reading."""

    alpha: float | None
    observed: float | None
    expected: float | None
    pairable: int
    reading: str


@dataclass(frozen=True, slots=True)
class ApplicationResult:
    """Everything the panel sees about one application; unrounded except for the rank."""

    reference: str
    n: int
    mean: float | None
    median: float | None
    sd: float | None
    range: float | None
    minimum: float | None
    maximum: float | None
    se: float | None
    percent: float | None
    calibrated: float | None
    criterion_means: dict[str, float | None]
    sheet_scores: tuple[float, ...]
    meets_quorum: bool
    flagged: bool
    flag_reasons: tuple[str, ...]
    rank: int | None
    figure: float | None = None
    recusals: int = 0
    eligible: bool = True
    amount_requested: int = 0


@dataclass(frozen=True, slots=True)
class RoundResult:
    """A round analysed: applications in rank order (ties by reference), panel, agreement."""

    applications: tuple[ApplicationResult, ...]
    panellists: tuple[PanellistStats, ...]
    agreement: Agreement
    criterion_agreement: dict[str, Agreement]
    grand_mean: float | None
    grand_sd: float | None
    scale: Scale
    settings: Settings = DEFAULT_SETTINGS

    def result_for(self, reference: str) -> ApplicationResult:
        """The result for one application reference; ScoringError if it is not in the round."""
        for result in self.applications:
            if result.reference == reference:
                return result
        raise ScoringError(f"Application '{reference}' is not in this round.")


@dataclass(frozen=True, slots=True)
class AllocationLine:
    """One application's place in the suggested allocation, with running money in pence."""

    reference: str
    rank: int | None
    amount_requested: int
    status: Status
    reason: str | None
    awarded: int
    running_total: int
    remaining: int


@dataclass(frozen=True, slots=True)
class Allocation:
    """A suggested allocation within a budget, in pence; a suggestion, not the panel's decision."""

    budget: int
    policy: Policy
    lines: tuple[AllocationLine, ...]
    total: int
    remaining: int

    @property
    def funded(self) -> tuple[str, ...]:
        """References suggested for funding, in walk order."""
        return tuple(line.reference for line in self.lines if line.status == "funded")
