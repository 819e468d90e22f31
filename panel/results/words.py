"""The results in plain words: where each application stands and how far the panel agreed.

Residents read these sentences before any statistic (issue #15): the figures stay, behind
"Show the figures", and in the exports.
"""

from dataclasses import dataclass

import criteria
from panel.results.services import RoundResults

AGREED, SPLIT, NEEDS_SCORES = "agreed", "split", "needs more scores"
TAG_COLOURS = {AGREED: "green", SPLIT: "red", NEEDS_SCORES: "yellow"}


@dataclass(frozen=True, slots=True)
class Standing:
    """One application in words: its place against the funding line and the panel's agreement."""

    id: int
    reference: str
    project: str
    organisation: str
    funding: str  # "Above the funding line", "Below the funding line", "" when not shown
    funded: bool
    agreement: str  # AGREED, SPLIT or NEEDS_SCORES
    sentence: str  # the agreement in a sentence


def agreement_of(result: criteria.ApplicationResult) -> str:
    """Not enough scores first (no agreement can be read), then split if flagged, else agreed."""
    if not result.meets_quorum:
        return NEEDS_SCORES
    return SPLIT if result.flagged else AGREED


def _sentence(result: criteria.ApplicationResult, kind: str, quorum: int) -> str:
    if kind == NEEDS_SCORES:
        return f"It has {result.n} of the {quorum} scores it needs before it can be ranked."
    if kind == SPLIT:
        # The reasons' words without their figures (those are behind "Show the figures").
        why = " and ".join(reason.split(":")[0] for reason in result.flag_reasons)
        return f"The panel was split{f' ({why})' if why else ''}: talk it through at the meeting."
    return f"The panel agreed: {result.n} scores close together."


def _funding(
    result: criteria.ApplicationResult, lines: dict[str, criteria.AllocationLine] | None
) -> tuple[str, bool]:
    if lines is None:  # the funding line is not this viewer's to see
        return "", False
    line = lines.get(result.reference)
    if result.rank is None or line is None:
        return "Not ranked yet", False
    if line.status == "funded":
        return "Above the funding line: it fits within the budget", True
    if line.status == "did not fit":
        return "Below the funding line: not enough budget left for the amount asked", False
    return "Below the funding line", False


def standings(
    found: RoundResults, allocation: criteria.Allocation | None, quorum: int
) -> list[Standing]:
    """Every application the viewer may see, in rank order (unranked last), in words."""
    lines = None if allocation is None else {line.reference: line for line in allocation.lines}
    out = []
    for result in found.result.applications:
        if result.reference not in found.applications:
            continue
        row = found.row(result.reference)
        kind = agreement_of(result)
        funding, funded = _funding(result, lines)
        out.append(
            Standing(
                id=row.id,
                reference=row.reference,
                project=row.project,
                organisation=row.organisation,
                funding=funding,
                funded=funded,
                agreement=kind,
                sentence=_sentence(result, kind, quorum),
            )
        )
    return out


# The engine's reading of Krippendorff's alpha (criteria.agreement_reading) as a sentence's start.
OPENINGS = {
    "the panel broadly agrees": "The panel broadly agrees",
    "mixed agreement": "The panel partly agrees",
    "little agreement": "The panel agrees little",
}


def round_sentence(found: RoundResults) -> str:
    """The round's agreement in one sentence, with how many applications were split or short."""
    apps = [r for r in found.result.applications if r.reference in found.applications]
    kinds = [agreement_of(r) for r in apps]
    split, short = kinds.count(SPLIT), kinds.count(NEEDS_SCORES)
    reading = found.result.agreement.reading
    opening = OPENINGS.get(reading, f"There are {reading}")
    parts = []
    if split:
        parts.append(
            "1 application was split" if split == 1 else f"{split} applications were split"
        )
    if short:
        parts.append(
            "1 application needs more scores"
            if short == 1
            else f"{short} applications need more scores"
        )
    detail = " and ".join(parts) or "every one has enough scores and none was split"
    return f"{opening} on this round's {len(apps)} applications: {detail}."
