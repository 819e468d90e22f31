"""The sheet score of one review: a weighted mean of its scores that stays on the scale."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import lcm
from operator import itemgetter, mul
from typing import Any

from criteria.errors import ScoringError
from criteria.model import Criterion, Scale


@dataclass(frozen=True, slots=True)
class SheetRules:
    """Criteria and scale compiled once: scored keys, integer weights and the allowed scores."""

    keys: tuple[str, ...]
    weights: tuple[int, ...]
    weight_total: int
    scale: Scale
    allowed: frozenset[int]
    int_types: tuple[type, ...]
    eligibility_keys: frozenset[str]
    getter: Callable[[Mapping[str, int]], tuple[Any, ...]]

    def where(self, application: str | None, panellist: str | None) -> str:
        """Words naming the review, for error messages."""
        parts = []
        if panellist is not None:
            parts.append(f"by panellist '{panellist}'")
        if application is not None:
            parts.append(f"on application '{application}'")
        return (" " + " ".join(parts)) if parts else ""

    def values(
        self, scores: Mapping[str, int], *, application: str | None, panellist: str | None
    ) -> tuple[int, ...]:
        """The review's scores in criterion order, after checking keys, types and the scale."""
        try:
            values = self.getter(scores)
        except (KeyError, TypeError):
            raise self.key_error(scores, application=application, panellist=panellist) from None
        if len(scores) != len(self.keys):
            raise self.key_error(scores, application=application, panellist=panellist)
        if tuple(map(type, values)) != self.int_types or not self.allowed.issuperset(values):
            raise self.score_error(values, application=application, panellist=panellist)
        return values

    def key_error(
        self, scores: object, *, application: str | None, panellist: str | None
    ) -> ScoringError:
        """The specific error for a review whose criterion keys are wrong."""
        where = self.where(application, panellist)
        if not isinstance(scores, Mapping):
            return ScoringError(
                f"The scores of the review{where} must be a mapping of criterion key to score."
            )
        for key in self.keys:
            if key not in scores:
                return ScoringError(f"The review{where} has no score for criterion '{key}'.")
        for key in scores:
            if key in self.eligibility_keys:
                return ScoringError(
                    f"The review{where} scores '{key}', an eligibility criterion that staff "
                    "check before the panel; it is not scored."
                )
            if key not in self.keys:
                return ScoringError(f"The review{where} scores unknown criterion '{key}'.")
        return ScoringError(f"The review{where} does not match the round's criteria.")

    def score_error(
        self, values: Sequence[object], *, application: str | None, panellist: str | None
    ) -> ScoringError:
        """The specific error for the first score that is not a whole number on the scale."""
        where = self.where(application, panellist)
        for key, value in zip(self.keys, values, strict=True):
            if type(value) is not int:
                return ScoringError(
                    f"The score {value!r} for criterion '{key}'{where} is not a whole number."
                )
            if value not in self.allowed:
                return ScoringError(
                    f"The score {value} for criterion '{key}'{where} is off the scale "
                    f"{self.scale.minimum} to {self.scale.maximum}."
                )
        return ScoringError(f"The scores of the review{where} are not valid.")  # pragma: no cover

    def score(self, values: Sequence[int]) -> float:
        """Weighted mean of checked values: exact integer sum, one correctly rounded division."""
        total: int = sum(map(mul, self.weights, values))
        return total / self.weight_total


def compile_rules(criteria: Sequence[Criterion], scale: Scale) -> SheetRules:
    """Check the criteria and compile them with the scale into SheetRules for fast scoring."""
    seen: set[str] = set()
    for criterion in criteria:
        if not isinstance(criterion, Criterion):
            raise ScoringError(f"Expected a Criterion, not {criterion!r}.")
        if criterion.key in seen:
            raise ScoringError(f"Criterion key '{criterion.key}' is used more than once.")
        seen.add(criterion.key)
    scored = [c for c in criteria if c.kind == "scored"]
    if not scored:
        raise ScoringError("The round has no scored criteria; at least one is needed.")
    exact = [Fraction(c.weight) for c in scored]
    if not any(exact):
        raise ScoringError(
            "Every scored criterion has weight 0; at least one weight must be above 0."
        )
    # Scale Decimal weights to integers once, so every sheet score is an exact integer sum
    # divided once: no Decimal in the hot loop and no order-dependent rounding.
    factor = lcm(*(w.denominator for w in exact))
    weights = tuple(int(w * factor) for w in exact)
    keys = tuple(c.key for c in scored)
    getter: Callable[[Mapping[str, int]], tuple[Any, ...]]
    if len(keys) == 1:
        only = keys[0]

        def getter(scores: Mapping[str, int]) -> tuple[Any, ...]:
            """The one scored criterion's score, as a 1-tuple like itemgetter gives for many."""
            return (scores[only],)

    else:
        getter = itemgetter(*keys)
    return SheetRules(
        keys=keys,
        weights=weights,
        weight_total=sum(weights),
        scale=scale,
        allowed=frozenset(scale.levels),
        int_types=(int,) * len(keys),
        eligibility_keys=frozenset(c.key for c in criteria if c.kind == "eligibility"),
        getter=getter,
    )


def sheet_score(scores: Mapping[str, int], criteria: Sequence[Criterion], scale: Scale) -> float:
    """Weighted mean sum(w*x)/sum(w) over scored criteria; every score is checked on the scale."""
    rules = compile_rules(criteria, scale)
    return rules.score(rules.values(scores, application=None, panellist=None))


def percent(value: float, scale: Scale) -> float:
    """Percent of the scale: 100 * (value - minimum) / (maximum - minimum); not rounded."""
    return 100 * (value - scale.minimum) / scale.span
