"""The workbook's About sheet: the round, its settings, the agreement and the method in words.

verify-export reads the settings back from the rows labelled ABOUT_*.
"""

from datetime import datetime
from typing import Any

from panel.extensions import db
from panel.models import LotteryDraw
from panel.results.exports.names import Names, criterion_titles
from panel.results.exports.spreadsheet import Column, Sheet, naive_utc
from panel.results.services import RoundResults

# About-sheet labels that verify-export reads back.
ABOUT_SCALE_MIN = "Scale minimum"

ABOUT_SCALE_MAX = "Scale maximum"

ABOUT_QUORUM = "Quorum (reviews needed)"

ABOUT_RANK_BY = "Ranked by"

ABOUT_CALIBRATE = "Calibrated score shown"

ABOUT_SD_FLAG = "Disagreement flag: SD, % of the scale"

ABOUT_RANGE_FLAG = "Disagreement flag: range, % of the scale"

ABOUT_MIN_PERCENT = "Minimum score for the suggested allocation, %"

ABOUT_POLICY = "Suggested allocation policy"

METHOD_PARAGRAPHS = [
    "Each panellist scores each application against every scored criterion, in whole numbers "
    "on the round's scale. A panellist's sheet score for an application is the weighted "
    "average of their scores: each score times its criterion's weight, added up, divided by "
    "the total of the weights. So the sheet score stays on the same scale as the scores.",
    "Only submitted reviews count. A panellist who declared a conflict of interest has no "
    "review of that application: it is a gap, never a zero. That is why applications are "
    "compared by their average (mean) sheet score and never by the total, which would "
    "punish an application for its panellists' conflicts.",
    "For each application the Summary shows how many reviews it had, the mean, the median "
    "(the middle score), the standard deviation (SD, how spread out the scores are, using "
    "the sample formula; blank with fewer than two reviews), the lowest and highest sheet "
    "score, and the mean as a percent of the scale. An application with fewer reviews than "
    "the quorum is shown but flagged 'not enough scores' and left out of the suggested "
    "allocation.",
    "An application is flagged for discussion when its scores disagree: when the SD is at "
    "least the 'SD' percentage of the scale's span, or the range (highest minus lowest) is "
    "at least the 'range' percentage. Flagged applications head the panel meeting's agenda.",
    "If the calibrated score is shown, it corrects for harsh and lenient scorers: each sheet "
    "score is compared with that panellist's own average and spread (a z-score, 0 for a "
    "panellist whose scores do not vary or who scored fewer than two applications), and the "
    "application's average z-score is put back on the scale using the mean and SD of every "
    "sheet score in the round. It is shown beside the raw figures, never instead of them.",
    "Applications are ranked on the chosen figure, highest first, using values rounded to 4 "
    "decimal places; equal values share a rank (1, 2, 2, 4). A tie at the funding line is "
    "settled by the panel, or by a seeded lottery: the seed is written down first, and the "
    "tied applications are ordered by the SHA-256 of seed, a colon and the reference, so "
    "anyone can repeat the draw. Every draw is listed on this sheet with who ran it and when "
    "(and, for a draw after the first, why); the latest is the one in force.",
    "Agreement is Krippendorff's alpha (interval): 1 means the panellists agree completely, "
    "0 means no more than chance. 0.667 or more reads as 'the panel broadly agrees', from "
    "0.4 'mixed', below that 'little agreement'.",
    "Figures in the cells are not rounded: the number formats round them for reading. The "
    "Scores, Criteria, Conflicts and About sheets hold everything needed to recompute the "
    "Summary, and `flask --app panel verify-export FILE.xlsx` does exactly that. Times are "
    "in UTC.",
]


def about_sheet(
    results: RoundResults, *, exported_at: datetime, anonymise: bool, names: Names
) -> Sheet:
    """The round, the settings, the agreement and the method in plain words."""
    round_ = results.round
    agreement = results.result.agreement
    titles = criterion_titles(results.scored)
    columns = [Column("Item", "text", 44), Column("Value", "text", 100)]
    rows: list[tuple[Any, Any]] = [
        ("Round", round_.name),
        ("Fund", round_.fund_name),
        ("Exported at (UTC)", naive_utc(exported_at).strftime("%Y-%m-%d %H:%M:%S")),
        (
            "Panellists",
            "Shown as Panellist 1, 2, … (numbered by account)" if anonymise else "Shown by name",
        ),
        ("Budget", f"£{round_.budget_pence / 100:,.2f}"),
        ("Panel size", str(results.panel_size)),
        (ABOUT_SCALE_MIN, str(round_.scale_min)),
        (ABOUT_SCALE_MAX, str(round_.scale_max)),
        (ABOUT_QUORUM, str(round_.quorum)),
        (ABOUT_RANK_BY, results.result.settings.rank_by),
        (ABOUT_CALIBRATE, "Yes" if results.result.settings.calibrate else "No"),
        (ABOUT_SD_FLAG, str(round_.sd_flag_percent)),
        (ABOUT_RANGE_FLAG, str(round_.range_flag_percent)),
        (ABOUT_MIN_PERCENT, str(round_.min_percent)),
        (ABOUT_POLICY, round_.allocation_policy),
        ("Agreement (Krippendorff's alpha)", _alpha(agreement.alpha)),
        ("Agreement in words", agreement.reading),
        ("Pairable sheet scores", str(agreement.pairable)),
    ]
    for c in results.scored:
        part = results.result.criterion_agreement.get(c.key)
        if part is not None:
            rows.append((f"Agreement on {titles[c.id]}", f"{_alpha(part.alpha)} ({part.reading})"))
    rows.extend(lottery_rows(round_.id, names))
    rows.extend(("Method", paragraph) for paragraph in METHOD_PARAGRAPHS)
    return Sheet("About", columns, rows, wrap=True)


def lottery_rows(round_id: int, names: Names) -> list[tuple[str, str]]:
    """Every lottery draw of the round, oldest first, with who ran it, when and why; the last
    is marked as the one in force."""
    found = list(
        db.session.execute(
            db.select(
                LotteryDraw.seed,
                LotteryDraw.order,
                LotteryDraw.drawn_by_id,
                LotteryDraw.drawn_at,
                LotteryDraw.reason,
            )
            .where(LotteryDraw.round_id == round_id)
            .order_by(LotteryDraw.id)
        )
    )
    rows = []
    for number, (seed, order, by, at, reason) in enumerate(found, start=1):
        label = f"Lottery draw {number}" + (" (in force)" if number == len(found) else "")
        text = (
            f"seed {seed}: order {', '.join(map(str, order or []))}; drawn by {names(by)} "
            f"at {naive_utc(at).strftime('%Y-%m-%d %H:%M:%S')} UTC"
        )
        if reason:
            text += f"; drawn again because: {reason}"
        rows.append((label, text))
    return rows


def _alpha(value: float | None) -> str:
    return "not enough scores" if value is None else repr(value)
