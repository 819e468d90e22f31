"""Exports of a round: rows from the database, then a writer (xlsx, csv, 360Giving, feedback).

Row builders stream plain tuples from `execute()` (never ORM objects per score), so a round of
500,000 scores keeps memory flat in openpyxl's write-only mode. Figures are written unrounded
(the cells' number formats round them for the eye) so the Summary can be recomputed exactly
from the Scores sheet: see `panel.results.verify`.

Formula injection (OWASP "CSV injection", docs/security.md item 20): every user-written string is
written as text. openpyxl stores any string longer than one character that begins with "=" as a
formula, in write-only mode too, so risky strings become text cells with a quote prefix; in CSV
they get a leading apostrophe. Control characters a workbook cannot hold are stripped.
"""

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

from flask import current_app
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy import func

import criteria
from panel.extensions import db
from panel.models import (
    CONFLICT_KIND_LABELS,
    OUTCOME_LABELS,
    Application,
    ApplicationStatus,
    Conflict,
    Criterion,
    CriterionSupport,
    Decision,
    FundingRound,
    LotteryDraw,
    Outcome,
    Review,
    ReviewStatus,
    RoundMember,
    RubricCriterion,
    Score,
    User,
)
from panel.results.services import RoundResults, compute
from panel.scoring.services.lookups import not_set_aside

Progress = Callable[[int, int], None]

# What each format makes: (file name suffix, MIME type).
FORMATS: dict[str, tuple[str, str]] = {
    "xlsx": (
        "results.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "csv": ("summary.csv", "text/csv; charset=utf-8"),
    "360giving": (
        "360giving.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "360giving-json": ("360giving.json", "application/json"),
    "feedback": (
        "feedback.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}
FORMAT_LABELS = {
    "xlsx": "Full results workbook (xlsx)",
    "csv": "Summary only (csv)",
    "360giving": "360Giving spreadsheet of awarded grants (xlsx)",
    "360giving-json": "360Giving data package of awarded grants (JSON)",
    "feedback": "Feedback for applicants (xlsx, one row per application)",
}
COMMENT_CHOICES = ("criterion", "overall")

# A string starting with one of these would be run as a formula by some spreadsheet program.
RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
CELL_LIMIT = 32_767  # Excel's longest cell text
MONEY_FORMAT = '"£"#,##0.00'
FIGURE_FORMAT = "0.0000"
PERCENT_FORMAT = "0.00"
PROGRESS_EVERY = 2_000

SUMMARY_FIXED = [
    "Rank",
    "Reference",
    "Organisation",
    "Project",
    "Amount requested",
    "Reviews",
    "Mean",
    "Median",
    "SD",
    "Min",
    "Max",
    "Percent",
    "Calibrated",
    "Flag",
]
SCORES_HEADERS = [
    "Reference",
    "Panellist",
    "Criterion",
    "Weight",
    "Score",
    "Comment",
    "Submitted at",
    "Revised",
]
GRANTS_HEADERS = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Applied For",
    "Amount Awarded",
    "Award Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Recipient Org:Charity Number",
    "Recipient Org:Company Number",
    "Recipient Org:Postal Code",
    "Beneficiary Location:Name",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Title",
    "From An Open Call?",
    "Last Modified",
    "Data Source",
]

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

NOT_ENOUGH = "not enough scores"


class ExportError(ValueError):
    """An export that cannot be made; the message says why in plain words."""


# --------------------------------------------------------------------------- cell values


def clean(value: str) -> str:
    """Text a workbook can hold: control characters openpyxl refuses are removed, long cut."""
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    if len(text) > CELL_LIMIT:
        text = text[: CELL_LIMIT - 1] + "…"
    return text


def csv_safe(value: str) -> str:
    """A CSV field that no spreadsheet will run as a formula (a leading apostrophe if risky)."""
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + text if text.startswith(RISKY_STARTS) else text


@dataclass(frozen=True)
class Column:
    """One column: its header, kind of value and width in characters."""

    title: str
    kind: str = "text"  # text | int | figure | percent | money | datetime | date
    width: float = 14


@dataclass
class Sheet:
    """A sheet to write: a name, columns and rows of plain values (money in pence)."""

    name: str
    columns: list[Column]
    rows: Iterable[Sequence[Any]]
    wrap: bool = False
    progress_rows: bool = False
    meta: dict[str, Any] = field(default_factory=dict)


class XlsxWriter:
    """A write-only workbook whose cells are typed by column kind; user text is never a formula."""

    def __init__(self) -> None:
        self.workbook = Workbook(write_only=True)
        self._bold = Font(bold=True)

    def _text_cell(self, ws: Any, value: str, wrap: bool) -> Any:
        text = clean(value)
        if not text.startswith(RISKY_STARTS) and not wrap:
            return text
        cell = WriteOnlyCell(ws, text)
        cell.data_type = "s"  # never "f", whatever the text begins with
        if text.startswith(RISKY_STARTS):
            cell.quotePrefix = True
        if wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        return cell

    def _converter(self, ws: Any, column: Column, wrap: bool) -> Callable[[Any], Any]:
        kind = column.kind

        def styled(value: Any, number_format: str) -> Any:
            cell = WriteOnlyCell(ws, value)
            cell.number_format = number_format
            return cell

        if kind == "text":
            # References, names and titles repeat on every score row: clean each once.
            # Cells with a style are made afresh (openpyxl writes them one by one).
            cache: dict[str, Any] = {}

            def text(v: Any) -> Any:
                if v is None or v == "":
                    return None
                found = cache.get(v)
                if found is not None:
                    return found
                made = self._text_cell(ws, str(v), wrap)
                if isinstance(made, str) and len(cache) < 10_000 and len(made) < 200:
                    cache[v] = made
                return made

            return text
        if kind == "int":
            return lambda v: v
        if kind == "figure":
            return lambda v: None if v is None else styled(v, FIGURE_FORMAT)
        if kind == "percent":
            return lambda v: None if v is None else styled(v, PERCENT_FORMAT)
        if kind == "money":
            return lambda v: None if v is None else styled(v / 100, MONEY_FORMAT)
        if kind == "datetime":
            # openpyxl gives a datetime its own date-and-time format: no second style lookup.
            return lambda v: None if v is None else naive_utc(v)
        if kind == "date":
            return lambda v: None if v is None else v
        raise ValueError(f"unknown column kind {kind}")

    def add(self, sheet: Sheet, progress: Callable[[int], None] | None = None) -> int:
        """Write one sheet: bold frozen header, filter, widths; returns the number of rows."""
        ws = self.workbook.create_sheet(sheet.name)
        ws.freeze_panes = "A2"
        for index, column in enumerate(sheet.columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        header = []
        for column in sheet.columns:
            title = clean(column.title)
            cell = WriteOnlyCell(ws, title)
            cell.data_type = "s"  # criterion titles are user-written
            cell.quotePrefix = title.startswith(RISKY_STARTS)
            cell.font = self._bold
            header.append(cell)
        ws.append(header)
        converters = [self._converter(ws, c, sheet.wrap) for c in sheet.columns]
        count = 0
        for row in sheet.rows:
            ws.append([convert(value) for convert, value in zip(converters, row, strict=True)])
            count += 1
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(PROGRESS_EVERY)
        if progress is not None:
            progress(count % PROGRESS_EVERY)
        last = get_column_letter(len(sheet.columns))
        ws.auto_filter.ref = f"A1:{last}{count + 1}"
        return count

    def save(self, out: IO[bytes]) -> None:
        self.workbook.save(out)


def naive_utc(value: datetime) -> datetime:
    """A spreadsheet cannot hold a time zone: UTC, without one (the About sheet says so)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def write_csv(sheet: Sheet, out: IO[bytes]) -> int:
    """The sheet as UTF-8 CSV with a byte-order mark (so Excel reads £ and accents right)."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow([csv_safe(c.title) for c in sheet.columns])
    count = 0
    for row in sheet.rows:
        cells = []
        for column, value in zip(sheet.columns, row, strict=True):
            if value is None:
                cells.append("")
            elif column.kind == "text":
                cells.append(csv_safe(str(value)))
            elif column.kind == "money":
                cells.append(f"{value / 100:.2f}")
            elif column.kind == "datetime":
                cells.append(naive_utc(value).strftime("%Y-%m-%d %H:%M:%S"))
            else:
                cells.append(repr(value) if isinstance(value, float) else str(value))
        writer.writerow(cells)
        count += 1
    text.flush()
    text.detach()
    return count


# --------------------------------------------------------------------------- names


class Names:
    """How people appear in an export: names, or "Panellist N" numbered by account id."""

    def __init__(self, round_id: int, *, anonymise: bool) -> None:
        self.anonymise = anonymise
        ids: set[int] = set()
        for query in (
            db.select(RoundMember.user_id).where(RoundMember.round_id == round_id),
            db.select(Review.panellist_id).where(Review.round_id == round_id),
            db.select(Conflict.panellist_id).where(Conflict.round_id == round_id),
        ):
            ids.update(db.session.execute(query).scalars())
        self.panellist_ids = sorted(ids)
        people = {
            uid: (name, role)
            for uid, name, role in db.session.execute(
                db.select(User.id, User.display_name, User.role)
            )
        }
        self._labels: dict[int, str] = {}
        if anonymise:
            for number, uid in enumerate(self.panellist_ids, start=1):
                self._labels[uid] = f"Panellist {number}"
            for uid, (_name, role) in people.items():
                self._labels.setdefault(uid, "Staff" if role == "staff" else "Resident")
            return
        seen: dict[str, int] = {}
        for name, _role in people.values():
            seen[name] = seen.get(name, 0) + 1
        for uid, (name, _role) in people.items():
            # Two people with one name would merge in a recomputation: the id tells them apart.
            self._labels[uid] = name if seen[name] == 1 else f"{name} (#{uid})"

    def __call__(self, user_id: int | None) -> str:
        if user_id is None:
            return ""
        return self._labels.get(user_id, f"Person #{user_id}")


def criterion_titles(scored: Sequence[RubricCriterion]) -> dict[int, str]:
    """Each scored criterion's title as its columns show it (numbered if two share a title)."""
    titles: dict[int, str] = {}
    used: set[str] = set()
    for c in scored:
        title = c.title.strip() or f"Criterion {c.position}"
        if title in used:
            title = f"{title} ({c.position})"
        used.add(title)
        titles[c.id] = title
    return titles


# --------------------------------------------------------------------------- row builders


def flag_text(app: criteria.ApplicationResult) -> str:
    """The Summary's Flag cell: quorum and disagreement reasons in plain words, or empty."""
    reasons = [] if app.meets_quorum else [NOT_ENOUGH]
    reasons.extend(app.flag_reasons)
    return "; ".join(reasons)


def decision_rows(round_id: int) -> dict[int, tuple[str, str, int, str, bool, int, Any]]:
    """application id -> (outcome, status, amount awarded, reason, suggested, by, at)."""
    return {
        row[0]: tuple(row[1:])  # type: ignore[misc]
        for row in db.session.execute(
            db.select(
                Decision.application_id,
                Decision.outcome,
                Decision.status,
                Decision.amount_awarded_pence,
                Decision.reason,
                Decision.suggested,
                Decision.decided_by_id,
                Decision.decided_at,
            ).where(Decision.round_id == round_id)
        )
    }


def decision_label(outcome: str, status: str) -> str:
    label = OUTCOME_LABELS[Outcome(outcome)]
    return label if status == "confirmed" else f"{label} (draft)"


def summary_sheet(results: RoundResults) -> Sheet:
    """One row per eligible application in rank order, with the engine's unrounded figures."""
    titles = criterion_titles(results.scored)
    keys = [c.key for c in results.scored]
    columns = [
        Column("Rank", "int", 7),
        Column("Reference", "text", 13),
        Column("Organisation", "text", 30),
        Column("Project", "text", 30),
        Column("Amount requested", "money", 17),
        Column("Reviews", "int", 9),
        Column("Mean", "figure", 9),
        Column("Median", "figure", 9),
        Column("SD", "figure", 9),
        Column("Min", "figure", 8),
        Column("Max", "figure", 8),
        Column("Percent", "percent", 9),
        Column("Calibrated", "figure", 11),
        Column("Flag", "text", 30),
        *[
            Column(f"{titles[c.id]} mean", "figure", max(12, len(titles[c.id]) + 6))
            for c in results.scored
        ],
        Column("Decision", "text", 20),
        Column("Amount awarded", "money", 16),
    ]
    decisions = decision_rows(results.round.id)

    def rows() -> Iterator[tuple[Any, ...]]:
        for app in results.result.applications:
            info = results.applications.get(app.reference)
            if info is None:
                continue
            decided = decisions.get(info.id)
            label, awarded = "", None
            if decided is not None:
                label = decision_label(decided[0], decided[1])
                if decided[1] == "confirmed" and decided[0] in (Outcome.FUND, Outcome.PART):
                    awarded = decided[2]
            yield (
                app.rank,
                app.reference,
                info.organisation,
                info.project,
                info.amount_requested_pence,
                app.n,
                app.mean,
                app.median,
                app.sd,
                app.minimum,
                app.maximum,
                app.percent,
                app.calibrated,
                flag_text(app),
                *[app.criterion_means.get(k) for k in keys],
                label,
                awarded,
            )

    return Sheet("Summary", columns, rows())


def score_count(round_id: int) -> int:
    """How many submitted scores the round has: the size an export will be."""
    return int(
        db.session.execute(
            db.select(func.count())
            .select_from(Score)
            .join(Review, Score.review_id == Review.id)
            .where(
                Review.round_id == round_id,
                Review.status == ReviewStatus.SUBMITTED,
                not_set_aside(),
            )
        ).scalar_one()
    )


def _submitted_of_eligible(round_id: int) -> Any:
    return (
        db.select(Review.id)
        .join(Application, Review.application_id == Application.id)
        .where(
            Review.round_id == round_id,
            Review.status == ReviewStatus.SUBMITTED,
            not_set_aside(),
            Application.status == ApplicationStatus.ELIGIBLE,
        )
    )


def scores_sheet(
    results: RoundResults, names: Names, conn: Any, *, progress: Callable[[int], None] | None = None
) -> Sheet:
    """Every submitted score of an eligible application, streamed from the cursor."""
    titles = criterion_titles(results.scored)
    columns = [
        Column("Reference", "text", 13),
        Column("Panellist", "text", 22),
        Column("Criterion", "text", 28),
        Column("Weight", "int", 8),
        Column("Score", "int", 7),
        Column("Comment", "text", 40),
        Column("Submitted at", "datetime", 17),
        Column("Revised", "text", 8),
    ]
    query = (
        db.select(
            Application.reference,
            Review.panellist_id,
            Score.rubric_criterion_id,
            RubricCriterion.weight,
            Score.value,
            Score.comment,
            Review.submitted_at,
            Review.revised,
        )
        .select_from(Score)
        .join(Review, Score.review_id == Review.id)
        .join(Application, Review.application_id == Application.id)
        .join(RubricCriterion, Score.rubric_criterion_id == RubricCriterion.id)
        .where(
            Review.round_id == results.round.id,
            Review.status == ReviewStatus.SUBMITTED,
            not_set_aside(),
            Application.status == ApplicationStatus.ELIGIBLE,
            Score.value.is_not(None),
        )
        .order_by(Application.reference, Review.panellist_id, RubricCriterion.position)
        .execution_options(yield_per=PROGRESS_EVERY)
    )

    def rows() -> Iterator[tuple[Any, ...]]:
        for reference, panellist, criterion_id, weight, value, comment, at, revised in conn.execute(
            query
        ):
            yield (
                reference,
                names(panellist),
                titles.get(criterion_id, f"Criterion #{criterion_id}"),
                weight,
                value,
                comment,
                at,
                "Yes" if revised else "",
            )

    return Sheet("Scores", columns, rows(), progress_rows=True)


def reviews_sheet(results: RoundResults, names: Names, conn: Any) -> Sheet:
    """One row per submitted review: its sheet score (Σw·x/Σw), who typed it, its comment."""
    columns = [
        Column("Reference", "text", 13),
        Column("Panellist", "text", 22),
        Column("Sheet score", "figure", 12),
        Column("Entered by", "text", 20),
        Column("Overall comment", "text", 60),
    ]
    weights = (
        db.select(
            Score.review_id,
            func.sum(RubricCriterion.weight * Score.value).label("wx"),
            func.sum(RubricCriterion.weight).label("w"),
        )
        .join(RubricCriterion, Score.rubric_criterion_id == RubricCriterion.id)
        .where(
            Score.review_id.in_(_submitted_of_eligible(results.round.id)), Score.value.is_not(None)
        )
        .group_by(Score.review_id)
        .subquery()
    )
    query = (
        db.select(
            Application.reference,
            Review.panellist_id,
            weights.c.wx,
            weights.c.w,
            Review.entered_by_id,
            Review.overall_comment,
        )
        .join(Application, Review.application_id == Application.id)
        .join(weights, weights.c.review_id == Review.id)
        .order_by(Application.reference, Review.panellist_id)
    )

    def rows() -> Iterator[tuple[Any, ...]]:
        for reference, panellist, wx, w, entered_by, comment in conn.execute(query):
            # The same float division as the engine: exact sums, then one division.
            sheet = int(wx) / int(w) if w else None
            yield reference, names(panellist), sheet, names(entered_by), comment

    return Sheet("Reviews", columns, rows())


def _descriptors_text(descriptors: dict[str, Any]) -> str:
    def order(key: str) -> tuple[int, str]:
        return (int(key), key) if key.lstrip("-").isdigit() else (10**6, key)

    return "\n".join(f"{k} = {descriptors[k]}" for k in sorted(descriptors, key=order))


def _number(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def criteria_sheet(results: RoundResults, names: Names) -> Sheet:
    """The adopted rubric, and how each criterion was agreed."""
    columns = [
        Column("Position", "int", 9),
        Column("Criterion", "text", 28),
        Column("Kind", "text", 12),
        Column("Weight", "int", 8),
        Column("Description", "text", 50),
        Column("Descriptors", "text", 50),
        Column("Fixed reason", "text", 30),
        Column("Proposed by", "text", 20),
        Column("Supports", "int", 9),
        Column("Weight share mean", "figure", 12),
        Column("Weight share spread", "text", 12),
        Column("Proposed weight", "int", 10),
        Column("Staff adjustment reason", "text", 40),
    ]
    titles = criterion_titles(results.scored)
    rubric_criteria = sorted(results.rubric.criteria, key=lambda c: c.position)
    source_ids = [c.criterion_id for c in rubric_criteria if c.criterion_id is not None]
    proposers = dict(
        db.session.execute(
            db.select(Criterion.id, Criterion.proposed_by_id).where(Criterion.id.in_(source_ids))
        ).all()
    )
    supports = dict(
        db.session.execute(
            db.select(CriterionSupport.criterion_id, func.count())
            .where(
                CriterionSupport.criterion_id.in_(source_ids),
                CriterionSupport.withdrawn_at.is_(None),
            )
            .group_by(CriterionSupport.criterion_id)
        ).all()
    )

    def rows() -> Iterator[tuple[Any, ...]]:
        for c in rubric_criteria:
            shares = c.shares or {}
            low, high = shares.get("lowest"), shares.get("highest")
            spread = f"{low}–{high}" if low is not None and high is not None else ""
            yield (
                c.position,
                titles.get(c.id, c.title),
                "Scored" if c.kind == "scored" else "Eligibility",
                c.weight,
                c.description,
                _descriptors_text(c.descriptors or {}),
                c.fixed_reason,
                names(proposers.get(c.criterion_id)) if c.criterion_id else "",
                supports.get(c.criterion_id, 0) if c.criterion_id else None,
                _number(shares.get("mean")),
                spread,
                c.proposed_weight,
                c.weight_reason,
            )

    return Sheet("Criteria", columns, rows(), wrap=True)


def conflicts_sheet(round_id: int, names: Names, *, anonymise: bool) -> Sheet:
    """Every declared conflict of interest; standing ones are recusals in the figures."""
    columns = [
        Column("Reference", "text", 13),
        Column("Panellist", "text", 22),
        Column("Kind", "text", 40),
        Column("Declared at", "datetime", 17),
        Column("Standing", "text", 9),
        Column("Withdrawn reason", "text", 40),
    ]
    query = (
        db.select(
            Application.reference,
            Conflict.panellist_id,
            Conflict.kind,
            Conflict.declared_at,
            Conflict.withdrawn_at,
            Conflict.withdrawn_reason,
        )
        .join(Application, Conflict.application_id == Application.id)
        .where(Conflict.round_id == round_id)
        .order_by(Application.reference, Conflict.panellist_id, Conflict.id)
    )

    def rows() -> Iterator[tuple[Any, ...]]:
        for reference, panellist, kind, at, withdrawn_at, reason in db.session.execute(query):
            yield (
                reference,
                names(panellist),
                CONFLICT_KIND_LABELS.get(kind, kind),  # type: ignore[call-overload]
                at,
                "No" if withdrawn_at else "Yes",
                "" if anonymise else reason,
            )

    return Sheet("Conflicts", columns, rows())


def lottery_places(round_id: int) -> dict[str, tuple[str, int]]:
    """reference -> (seed, place in the draw) for every application drawn in a lottery."""
    places: dict[str, tuple[str, int]] = {}
    for seed, order in db.session.execute(
        db.select(LotteryDraw.seed, LotteryDraw.order)
        .where(LotteryDraw.round_id == round_id)
        .order_by(LotteryDraw.id)
    ):
        for place, reference in enumerate(order or [], start=1):
            places[str(reference)] = (seed, place)
    return places


def decisions_sheet(round_id: int, names: Names) -> Sheet:
    """What was decided for each application, why, and the lottery seed where one was drawn."""
    columns = [
        Column("Reference", "text", 13),
        Column("Organisation", "text", 30),
        Column("Decision", "text", 16),
        Column("Status", "text", 11),
        Column("Amount requested", "money", 17),
        Column("Amount awarded", "money", 16),
        Column("Reason", "text", 60),
        Column("Suggested by the allocation", "text", 12),
        Column("Decided by", "text", 20),
        Column("Decided at", "datetime", 17),
        Column("Lottery seed", "text", 24),
        Column("Lottery place", "int", 9),
    ]
    places = lottery_places(round_id)
    query = (
        db.select(
            Application.reference,
            Application.organisation_name,
            Decision.outcome,
            Decision.status,
            Application.amount_requested_pence,
            Decision.amount_awarded_pence,
            Decision.reason,
            Decision.suggested,
            Decision.decided_by_id,
            Decision.decided_at,
        )
        .join(Application, Decision.application_id == Application.id)
        .where(Decision.round_id == round_id)
        .order_by(Application.reference)
    )

    def rows() -> Iterator[tuple[Any, ...]]:
        for (
            ref,
            org,
            outcome,
            status,
            asked,
            awarded,
            reason,
            suggested,
            by,
            at,
        ) in db.session.execute(query):
            seed, place = places.get(ref, ("", None))
            yield (
                ref,
                org,
                OUTCOME_LABELS[Outcome(outcome)],
                "Confirmed" if status == "confirmed" else "Draft",
                asked,
                awarded,
                reason,
                "Yes" if suggested else "No",
                names(by),
                at,
                seed,
                place,
            )

    return Sheet("Decisions", columns, rows(), wrap=True)


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
    "anyone can repeat the draw.",
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
    for seed, order in db.session.execute(
        db.select(LotteryDraw.seed, LotteryDraw.order).where(LotteryDraw.round_id == round_.id)
    ):
        rows.append(("Lottery draw", f"seed {seed}: order {', '.join(map(str, order or []))}"))
    rows.extend(("Method", paragraph) for paragraph in METHOD_PARAGRAPHS)
    return Sheet("About", columns, rows, wrap=True)


def _alpha(value: float | None) -> str:
    return "not enough scores" if value is None else repr(value)


# --------------------------------------------------------------------------- formats


def export_filename(round_: FundingRound, fmt: str, *, anonymise: bool = False) -> str:
    """A safe file name: the round's slug, what it is, and whether names were removed."""
    suffix = FORMATS[fmt][0]
    stem, ext = suffix.rsplit(".", 1)
    slug = re.sub(r"[^a-z0-9-]+", "-", round_.slug.lower()).strip("-") or f"round-{round_.id}"
    return f"{slug}-{stem}{'-anonymised' if anonymise else ''}.{ext}"


@dataclass
class ExportOptions:
    """What staff chose: the format, whether to hide names, which comments to pass on."""

    fmt: str
    anonymise: bool = False
    comments: tuple[str, ...] = COMMENT_CHOICES


def estimated_rows(round_: FundingRound) -> int:
    """Progress total: the submitted scores (the bulk of a workbook) and a row per application."""
    apps = db.session.execute(
        db.select(func.count()).select_from(Application).where(Application.round_id == round_.id)
    ).scalar_one()
    return score_count(round_.id) + int(apps)


def write_export(
    round_: FundingRound,
    options: ExportOptions,
    out: IO[bytes],
    *,
    progress: Progress | None = None,
    conn: Any = None,
    now: datetime | None = None,
    release: Callable[[], None] | None = None,
) -> None:
    """Write the chosen export of the round to `out`; `conn` streams the large sheets.

    `release` is called once the summary is computed, so a background job can end the
    session's transaction before the long streaming reads (which use `conn`).
    """
    if options.fmt not in FORMATS:
        raise ExportError(f"There is no export called {options.fmt!r}.")
    exported_at = now or datetime.now(UTC)
    conn = conn if conn is not None else db.session
    total = estimated_rows(round_)
    done = 0

    def tick(rows: int) -> None:
        nonlocal done
        done += rows
        if progress is not None:
            progress(min(done, total), total)

    if options.fmt in ("xlsx", "csv"):
        results = compute(round_)
        names = Names(round_.id, anonymise=options.anonymise)
        summary = summary_sheet(results)
        if release is not None:
            release()
        if options.fmt == "csv":
            write_csv(summary, out)
            tick(total)
            return
        book = XlsxWriter()
        book.add(summary, progress=tick)
        book.add(scores_sheet(results, names, conn), progress=tick)
        book.add(reviews_sheet(results, names, conn))
        book.add(criteria_sheet(results, names))
        book.add(conflicts_sheet(round_.id, names, anonymise=options.anonymise))
        book.add(decisions_sheet(round_.id, names))
        book.add(
            about_sheet(results, exported_at=exported_at, anonymise=options.anonymise, names=names)
        )
        book.save(out)
    elif options.fmt == "360giving":
        book = XlsxWriter()
        book.add(grants_sheet(round_, exported_at=exported_at))
        book.save(out)
    elif options.fmt == "360giving-json":
        package = giving_package(round_, exported_at=exported_at)
        out.write(json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8"))
    else:
        book = XlsxWriter()
        book.add(feedback_sheet(round_, comments=options.comments, conn=conn), progress=tick)
        book.save(out)
    if progress is not None:
        progress(total, total)


# --------------------------------------------------------------------------- 360Giving


def giving_settings() -> tuple[str, str, str]:
    """(funder name, funder org-id, 360G prefix) from the app's settings."""
    config = current_app.config
    return (
        config.get("PANEL_FUNDER_NAME") or "Example Housing Association",
        config.get("PANEL_FUNDER_ORG_ID") or "GB-CHC-000000",
        (config.get("PANEL_360G_PREFIX") or "360G-example").rstrip("-"),
    )


def _compact(number: str | None) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", number or "").upper()


def recipient_org_id(
    *, charity_number: str | None, company_number: str | None, name: str, prefix: str
) -> str:
    """An org-id: charity (England & Wales, Scotland, N. Ireland), company, else 360G-based."""
    charity = _compact(charity_number)
    if charity.startswith("SC") and charity[2:].isdigit():
        return f"GB-SC-{charity}"
    if charity.startswith("NIC") and charity[3:].isdigit():
        return f"GB-NIC-{charity[3:]}"
    if charity.startswith("NI") and charity[2:].isdigit():
        return f"GB-NIC-{charity[2:]}"
    if charity.isdigit():
        return f"GB-CHC-{charity}"
    company = _compact(company_number)
    if company:
        if company.isdigit():
            company = company.zfill(8)
        return f"GB-COH-{company}"
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "organisation"
    return f"{prefix}-org-{slug}"


@dataclass(frozen=True)
class Grant:
    reference: str
    title: str
    description: str
    asked: int
    awarded: int
    decided_at: datetime
    organisation: str
    charity_number: str | None
    company_number: str | None
    location: str


def awarded_grants(round_id: int) -> list[Grant]:
    """Confirmed fund and fund-in-part decisions, by reference."""
    return [
        Grant(*row)
        for row in db.session.execute(
            db.select(
                Application.reference,
                Application.project_title,
                Application.summary,
                Application.amount_requested_pence,
                Decision.amount_awarded_pence,
                Decision.decided_at,
                Application.organisation_name,
                Application.charity_number,
                Application.company_number,
                Application.location,
            )
            .join(Application, Decision.application_id == Application.id)
            .where(
                Decision.round_id == round_id,
                Decision.status == "confirmed",
                Decision.outcome.in_([Outcome.FUND.value, Outcome.PART.value]),
            )
            .order_by(Application.reference)
        )
    ]


def grants_sheet(round_: FundingRound, *, exported_at: datetime) -> Sheet:
    """The 360Giving `grants` sheet with the standard's column titles."""
    funder, funder_id, prefix = giving_settings()
    source = current_app.config.get("PANEL_BASE_URL") or ""
    # The standard wants plain numbers for amounts (no currency format) and text elsewhere.
    numbers = {"Amount Applied For", "Amount Awarded"}
    columns = [
        Column(t, "int" if t in numbers else "text", 22 if t.startswith("Recipient") else 16)
        for t in GRANTS_HEADERS
    ]
    modified = naive_utc(exported_at).strftime("%Y-%m-%dT%H:%M:%S+00:00")

    def rows() -> Iterator[tuple[Any, ...]]:
        for g in awarded_grants(round_.id):
            yield (
                f"{prefix}-{g.reference}",
                g.title,
                g.description or g.title,
                "GBP",
                g.asked / 100,
                g.awarded / 100,
                naive_utc(g.decided_at).strftime("%Y-%m-%d"),
                recipient_org_id(
                    charity_number=g.charity_number,
                    company_number=g.company_number,
                    name=g.organisation,
                    prefix=prefix,
                ),
                g.organisation,
                g.charity_number or "",
                g.company_number or "",
                "",  # postcodes here are applicants' contact details: not published
                g.location,
                funder_id,
                funder,
                round_.fund_name,
                "Yes",
                modified,
                source,
            )

    return Sheet("grants", columns, rows())


def giving_package(round_: FundingRound, *, exported_at: datetime) -> dict[str, Any]:
    """A 360Giving JSON data package (schema 1.4) of the round's awarded grants."""
    funder, funder_id, prefix = giving_settings()
    source = current_app.config.get("PANEL_BASE_URL") or None
    modified = naive_utc(exported_at).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    grants = []
    for g in awarded_grants(round_.id):
        recipient: dict[str, Any] = {
            "id": recipient_org_id(
                charity_number=g.charity_number,
                company_number=g.company_number,
                name=g.organisation,
                prefix=prefix,
            ),
            "name": g.organisation,
        }
        if g.charity_number:
            recipient["charityNumber"] = g.charity_number
        if g.company_number:
            recipient["companyNumber"] = g.company_number
        grant: dict[str, Any] = {
            "id": f"{prefix}-{g.reference}",
            "title": g.title,
            "description": g.description or g.title,
            "currency": "GBP",
            "amountAppliedFor": g.asked / 100,
            "amountAwarded": g.awarded / 100,
            # A full date-time: the schema's oneOf accepts it with or without format checking.
            "awardDate": naive_utc(g.decided_at).strftime("%Y-%m-%dT%H:%M:%S+00:00"),
            "recipientOrganization": [recipient],
            "fundingOrganization": [{"id": funder_id, "name": funder}],
            "grantProgramme": [{"title": round_.fund_name}],
            "fromOpenCall": "Yes",
            "dateModified": modified,
        }
        if g.location:
            grant["beneficiaryLocation"] = [{"name": g.location}]
        if source:
            grant["dataSource"] = source
        grants.append(grant)
    if not grants:
        raise ExportError(
            "There are no confirmed awards to publish yet: confirm the decisions first."
        )
    return {
        "grants": grants,
        "version": "1.4",
        "title": f"{funder}: {round_.fund_name}, {round_.name}",
        "modified": modified,
        "publisher": {"name": funder, "identifier": funder_id},
    }


# --------------------------------------------------------------------------- feedback


def feedback_sheet(round_: FundingRound, *, comments: Sequence[str], conn: Any) -> Sheet:
    """One row per application for a mail merge: decision, reason and unnamed panel comments."""
    columns = [
        Column("Reference", "text", 13),
        Column("Organisation", "text", 30),
        Column("Project", "text", 30),
        Column("Contact name", "text", 20),
        Column("Contact email", "text", 28),
        Column("Decision", "text", 16),
        Column("Amount requested", "money", 17),
        Column("Amount awarded", "money", 16),
        Column("Reason", "text", 60),
        Column("Panel comments", "text", 100),
    ]
    want_criterion = "criterion" in comments
    want_overall = "overall" in comments
    decisions = decision_rows(round_.id)
    apps = db.session.execute(
        db.select(
            Application.id,
            Application.reference,
            Application.organisation_name,
            Application.project_title,
            Application.contact_name,
            Application.contact_email,
            Application.amount_requested_pence,
        )
        .where(
            Application.round_id == round_.id,
            Application.status == ApplicationStatus.ELIGIBLE,
        )
        .order_by(Application.reference)
    ).all()
    gathered: dict[int, dict[int, list[str]]] = {}
    if want_criterion:
        for app_id, review_id, title, comment in conn.execute(
            db.select(Review.application_id, Review.id, RubricCriterion.title, Score.comment)
            .join(Score, Score.review_id == Review.id)
            .join(RubricCriterion, Score.rubric_criterion_id == RubricCriterion.id)
            .where(
                Review.round_id == round_.id,
                Review.status == ReviewStatus.SUBMITTED,
                not_set_aside(),
                Score.comment != "",
            )
            .order_by(Review.application_id, Review.id, RubricCriterion.position)
        ):
            if comment.strip():
                gathered.setdefault(app_id, {}).setdefault(review_id, []).append(
                    f"{title}: {comment.strip()}"
                )
    if want_overall:
        for app_id, review_id, comment in conn.execute(
            db.select(Review.application_id, Review.id, Review.overall_comment)
            .where(
                Review.round_id == round_.id,
                Review.status == ReviewStatus.SUBMITTED,
                not_set_aside(),
                Review.overall_comment != "",
            )
            .order_by(Review.application_id, Review.id)
        ):
            if comment.strip():
                gathered.setdefault(app_id, {}).setdefault(review_id, []).append(
                    f"Overall: {comment.strip()}"
                )

    def rows() -> Iterator[tuple[Any, ...]]:
        for app_id, ref, org, project, contact, email, asked in apps:
            decided = decisions.get(app_id)
            label, awarded, reason = "", None, ""
            if decided is not None and decided[1] == "confirmed":
                label = OUTCOME_LABELS[Outcome(decided[0])]
                awarded = decided[2] if decided[0] in (Outcome.FUND, Outcome.PART) else None
                reason = decided[3]
            by_review = gathered.get(app_id, {})
            text = "\n\n".join(
                f"Reviewer {n}:\n" + "\n".join(lines)
                for n, (_rid, lines) in enumerate(sorted(by_review.items()), start=1)
            )
            yield ref, org, project, contact, email, label, asked, awarded, reason, text

    return Sheet("Feedback", columns, rows(), wrap=True)
