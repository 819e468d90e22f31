"""Ranking with ties, and the seeded lottery that may settle a tie at the funding line."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from hashlib import sha256

from criteria.errors import ScoringError
from criteria.model import ApplicationResult

PLACES = 4


def rank(values: Mapping[str, float | None]) -> dict[str, int | None]:
    """Competition ranks (1,2,2,4) on values rounded to 4 places, highest first; None unranked."""
    # The dict comes back in rank order, ties by reference, unranked (None) references last.
    rounded = {ref: round(value, PLACES) for ref, value in values.items() if value is not None}
    ordered = sorted(rounded, key=lambda ref: (-rounded[ref], ref))
    ranks: dict[str, int | None] = {}
    previous: float | None = None
    current = 0
    for position, ref in enumerate(ordered, start=1):
        if rounded[ref] != previous:
            current = position
            previous = rounded[ref]
        ranks[ref] = current
    for ref in sorted(ref for ref, value in values.items() if value is None):
        ranks[ref] = None
    return ranks


def lottery_key(seed: str, reference: str) -> str:
    """The draw's key for one reference: sha256(seed + ':' + reference) in lowercase hex."""
    return sha256(f"{seed}:{reference}".encode()).hexdigest()


def lottery_order(seed: str, references: Iterable[str]) -> tuple[str, ...]:
    """References by sha256(seed + ':' + reference) hex, ascending; depends on nothing else."""
    if not isinstance(seed, str) or not seed:
        raise ScoringError("The lottery needs a seed, written down before the draw.")
    unique = set(references)
    return tuple(sorted(unique, key=lambda ref: (lottery_key(seed, ref), ref)))


def lottery_tie_break(results: Sequence[ApplicationResult], *, seed: str) -> tuple[str, ...]:
    """References in rank order, applications of equal rank ordered by the seeded lottery."""
    return tuple(
        result.reference
        for result in sorted(
            results,
            key=lambda r: (
                r.rank is None,
                r.rank if r.rank is not None else 0,
                lottery_key(seed, r.reference),
                r.reference,
            ),
        )
    )
