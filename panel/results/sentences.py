"""Starting sentences for a decision's reason: each one true for that application, built from
its own figures (rank, mean against the scale, the funding line, the quorum, its eligibility).

Staff choose one, edit it and save it as the reason; nothing here is ever saved on its own. A
sentence that would need a figure the application does not have (a rank below the quorum, say)
is never offered: the list only says what the figures say.
"""

from dataclasses import dataclass

import criteria
from criteria.allocation import pounds
from panel.results.services import RoundResults, fmt


@dataclass(frozen=True)
class Facts:
    """What the sentences may say about one application, every figure from the results."""

    reference: str
    rank: int | None
    ranked: int  # how many applications have a rank
    mean: float | None
    scale_min: int
    scale_max: int
    n: int
    quorum: int
    meets_quorum: bool
    status: str | None  # the suggested allocation's status, None when not shown a line
    asked_pence: int
    left_pence: int | None  # what was left of the budget when the walk reached it

    @property
    def share(self) -> float | None:
        """Where the mean sits on the scale, 0 (lowest) to 1 (highest)."""
        if self.mean is None:
            return None
        return (self.mean - self.scale_min) / (self.scale_max - self.scale_min)


HIGH = 0.75  # "scored highly": at least three quarters of the way up the scale
MIDDLE = 0.5


def standing(share: float) -> str:
    """The plain words for where a mean sits on the scale."""
    if share >= HIGH:
        return "scored highly with the panel"
    if share >= MIDDLE:
        return "scored in the upper half of the scale"
    return "scored in the lower half of the scale"


def facts_for(results: RoundResults, allocation: criteria.Allocation | None) -> dict[str, Facts]:
    """Each application's facts, by reference."""
    result = results.result
    lines = {line.reference: line for line in allocation.lines} if allocation else {}
    ranked = sum(1 for r in result.applications if r.rank is not None)
    facts = {}
    for r in result.applications:
        line = lines.get(r.reference)
        facts[r.reference] = Facts(
            reference=r.reference,
            rank=r.rank,
            ranked=ranked,
            mean=r.mean,
            scale_min=result.scale.minimum,
            scale_max=result.scale.maximum,
            n=r.n,
            quorum=result.settings.quorum,
            meets_quorum=r.meets_quorum,
            status=line.status if line else None,
            asked_pence=r.amount_requested,
            left_pence=(line.remaining + line.awarded) if line else None,
        )
    return facts


def starting_sentences(f: Facts) -> list[str]:
    """The sentences that are true for this application, most telling first, written to the
    applicant ("your application")."""
    if not f.meets_quorum or f.mean is None or f.share is None:
        return [
            "The panel did not give your application enough scores to rank it "
            f"({f.n} of the {f.quorum} needed).",
        ]
    of_scale = f"{fmt(f.mean)} out of {f.scale_max}"
    where = (
        f"ranked {f.rank} of the {f.ranked} applications scored"
        if f.rank is not None
        else "was not ranked"
    )
    said = f"Your application {standing(f.share)}, with a mean score of {of_scale}, and {where}"
    out = []
    if f.status == "funded":
        out.append(f"{said}. It fits within the budget.")
    elif f.status == "did not fit" and f.left_pence is not None:
        out.append(
            f"{said}. When the panel reached it, {pounds(f.left_pence)} of the budget was left, "
            f"less than the {pounds(f.asked_pence)} asked for."
        )
    elif f.status == "not reached":
        out.append(
            f"{said}. The budget was used by applications ranked above it before it was reached."
        )
    elif f.status == "not taking part":
        out.append(f"{said}. Its score was below the lowest score the fund can support.")
    out.append(f"{said}.")
    if f.share < MIDDLE:
        out.append(
            "Other applications met the fund's aims more closely: yours had a mean score of "
            f"{of_scale} and {where}."
        )
    return out
