"""Ranking with ties, and the seeded lottery that may settle a tie at the funding line."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
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


def tied_at_the_line(
    results: Sequence[ApplicationResult], funded: Collection[str]
) -> tuple[str, ...]:
    """The tie across the funding line: the best rank shared by funded and unfunded references."""
    # `results` in rank order (ties by reference), as analyse_round gives them; `funded` is the
    # suggested allocation's funded references. A tie wholly above or below the line changes
    # nothing and is no reason for a draw.
    groups: dict[int, list[str]] = {}
    for result in results:
        if result.rank is not None:
            groups.setdefault(result.rank, []).append(result.reference)
    for place in sorted(groups):
        references = groups[place]
        inside = sum(reference in funded for reference in references)
        if 0 < inside < len(references):
            return tuple(references)
    return ()


def order_with_draw(results: Sequence[ApplicationResult], drawn: Sequence[str]) -> tuple[str, ...]:
    """Rank order, the applications of a lottery draw taking their places in the drawn order."""
    # The drawn references fill, in the draw's order, the places they hold between them in the
    # rank order; every other application keeps its place. References not in `results` are
    # left out.
    ranked = [result.reference for result in results]
    present = set(ranked)
    members = set(drawn)
    slots = [i for i, reference in enumerate(ranked) if reference in members]
    for slot, reference in zip(slots, [r for r in drawn if r in present], strict=False):
        ranked[slot] = reference
    return tuple(ranked)
