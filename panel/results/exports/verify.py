"""Recompute an exported workbook's Summary from its Scores, Criteria, Conflicts and About sheets,
and add its Co-production sheet's lines up again against their totals.

Anyone can do this with the workbook alone: it needs no database. Every figure the Summary shows
is compared with what the criteria engine makes of the raw scores.
"""

import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

import criteria
from panel.results.exports.about import (
    ABOUT_CALIBRATE,
    ABOUT_MIN_PERCENT,
    ABOUT_POLICY,
    ABOUT_QUORUM,
    ABOUT_RANGE_FLAG,
    ABOUT_RANK_BY,
    ABOUT_SCALE_MAX,
    ABOUT_SCALE_MIN,
    ABOUT_SD_FLAG,
)
from panel.results.exports.coproduction import check_sheet
from panel.results.exports.sheets import flag_text

TOLERANCE = 1e-9
FIGURES = [
    ("Mean", "mean"),
    ("Median", "median"),
    ("SD", "sd"),
    ("Min", "minimum"),
    ("Max", "maximum"),
    ("Percent", "percent"),
    ("Calibrated", "calibrated"),
]


class VerifyError(ValueError):
    """The workbook cannot be read as a Grant Panel export; the message says what is missing."""


@dataclass(frozen=True)
class Report:
    """What verify found: one line per mismatch (empty when every figure matches)."""

    applications: int
    scores: int
    mismatches: list[str]
    coproduction_lines: int = 0  # lines of the Co-production sheet added up again

    @property
    def ok(self) -> bool:
        return not self.mismatches


def _records(ws: Any, sheet: str) -> Iterator[dict[str, Any]]:
    rows = ws.iter_rows(values_only=True)
    try:
        header = next(rows)
    except StopIteration:
        raise VerifyError(f"The {sheet} sheet is empty.") from None
    titles = [str(h) if h is not None else "" for h in header]
    for row in rows:
        if row is None or all(v is None for v in row):
            continue
        yield dict(zip(titles, row, strict=False))


def _text(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    return text


def _int(value: Any, what: str) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise VerifyError(f"{what} should be a whole number, not {value!r}.") from None
    if not number.is_integer():
        raise VerifyError(f"{what} should be a whole number, not {value!r}.")
    return int(number)


def _sheet(book: Any, name: str) -> Any:
    if name not in book.sheetnames:
        raise VerifyError(f"The workbook has no {name} sheet: is it a Grant Panel results export?")
    return book[name]


def recompute(path: Path) -> Report:
    """Read the workbook and compare its Summary with a fresh analysis of its Scores."""
    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # zip or XML errors of every kind: say so plainly
        raise VerifyError(f"{path} could not be opened as an xlsx workbook ({exc}).") from exc
    try:
        report = _recompute(book)
        lines, problems = check_sheet(book)
        return replace(report, mismatches=[*report.mismatches, *problems], coproduction_lines=lines)
    finally:
        book.close()


def _about(book: Any) -> dict[str, str]:
    about: dict[str, str] = {}
    for record in _records(_sheet(book, "About"), "About"):
        item = _text(record.get("Item"))
        if item and item not in about:
            about[item] = _text(record.get("Value"))
    return about


def _settings(about: dict[str, str]) -> tuple[criteria.Scale, criteria.Settings]:
    def need(label: str) -> str:
        if label not in about:
            raise VerifyError(f"The About sheet has no '{label}' row.")
        return about[label]

    try:
        scale = criteria.Scale(
            _int(need(ABOUT_SCALE_MIN), ABOUT_SCALE_MIN),
            _int(need(ABOUT_SCALE_MAX), ABOUT_SCALE_MAX),
        )
        settings = criteria.Settings(
            quorum=_int(need(ABOUT_QUORUM), ABOUT_QUORUM),
            calibrate=need(ABOUT_CALIBRATE) == "Yes",
            rank_by=need(ABOUT_RANK_BY),  # type: ignore[arg-type]  # Settings checks the word
            sd_flag=Decimal(need(ABOUT_SD_FLAG)) / 100,
            range_flag=Decimal(need(ABOUT_RANGE_FLAG)) / 100,
            min_percent=Decimal(need(ABOUT_MIN_PERCENT)),
            policy=need(ABOUT_POLICY),  # type: ignore[arg-type]  # Settings checks the word
        )
    except (criteria.ScoringError, ArithmeticError, ValueError) as exc:
        raise VerifyError(f"The About sheet's settings cannot be used: {exc}") from exc
    return scale, settings


def _recompute(book: Any) -> Report:
    scale, settings = _settings(_about(book))

    scored: list[criteria.Criterion] = []
    for record in _records(_sheet(book, "Criteria"), "Criteria"):
        if _text(record.get("Kind")).lower() != "scored":
            continue
        title = _text(record.get("Criterion"))
        scored.append(
            criteria.Criterion(key=title, title=title, weight=_int(record.get("Weight"), title))
        )
    titles = {c.key for c in scored}

    summary = list(_records(_sheet(book, "Summary"), "Summary"))
    applications = []
    for record in summary:
        pounds = record.get("Amount requested") or 0
        applications.append(
            criteria.Application(
                reference=_text(record.get("Reference")),
                amount_requested=round(float(pounds) * 100),
            )
        )
    known = {a.reference for a in applications}

    reviews: dict[tuple[str, str], dict[str, int]] = {}
    count = 0
    mismatches: list[str] = []
    for record in _records(_sheet(book, "Scores"), "Scores"):
        reference, panellist = _text(record.get("Reference")), _text(record.get("Panellist"))
        criterion = _text(record.get("Criterion"))
        if reference not in known:
            mismatches.append(f"{reference}: has scores but no Summary row")
            continue
        if criterion not in titles:
            mismatches.append(
                f"{reference}: a score for '{criterion}', which is not a scored criterion"
            )
            continue
        key = (reference, panellist)
        value = _int(record.get("Score"), f"{reference} {panellist} {criterion} score")
        reviews.setdefault(key, {})[criterion] = value
        count += 1

    recusals = []
    for record in _records(_sheet(book, "Conflicts"), "Conflicts"):
        reference, panellist = _text(record.get("Reference")), _text(record.get("Panellist"))
        # As on the results page: a standing conflict is a recusal where there is no review.
        if (
            _text(record.get("Standing")) == "Yes"
            and reference in known
            and (reference, panellist) not in reviews
        ):
            recusals.append(criteria.Recusal(application=reference, panellist=panellist))

    try:
        result = criteria.analyse_round(
            scale=scale,
            criteria=scored,
            applications=applications,
            reviews=[
                criteria.Review(application=a, panellist=p, scores=s)
                for (a, p), s in reviews.items()
            ],
            recusals=recusals,
            settings=settings,
        )
    except criteria.ScoringError as exc:
        return Report(len(applications), count, [*mismatches, f"Cannot recompute: {exc}"])

    for record in summary:
        reference = _text(record.get("Reference"))
        got = result.result_for(reference)
        mismatches.extend(_compare(reference, record, got, [c.key for c in scored]))
    return Report(len(applications), count, mismatches)


def _same(exported: Any, recomputed: float | None) -> bool:
    if exported in (None, "") or recomputed is None:
        return exported in (None, "") and recomputed is None
    try:
        value = float(exported)
    except (TypeError, ValueError):
        return False
    return math.isclose(value, recomputed, rel_tol=0, abs_tol=TOLERANCE)


def _show(value: Any) -> str:
    return "blank" if value in (None, "") else f"{value}"


def _compare(
    reference: str, record: dict[str, Any], got: criteria.ApplicationResult, keys: list[str]
) -> Iterator[str]:
    def line(column: str, exported: Any, recomputed: Any) -> str:
        return f"{reference} {column}: export {_show(exported)}, recomputed {_show(recomputed)}"

    rank = record.get("Rank")
    if (rank in (None, "") and got.rank is not None) or (
        rank not in (None, "") and (got.rank is None or float(rank) != got.rank)
    ):
        yield line("Rank", rank, got.rank)
    reviews = record.get("Reviews")
    if reviews in (None, "") or float(reviews) != got.n:
        yield line("Reviews", reviews, got.n)
    for column, attribute in FIGURES:
        exported = record.get(column)
        recomputed = getattr(got, attribute)
        if not _same(exported, recomputed):
            yield line(column, exported, recomputed)
    flag = _text(record.get("Flag"))
    expected = flag_text(got)
    if flag != expected:
        yield line("Flag", flag, expected)
    for key in keys:
        column = f"{key} mean"
        exported = record.get(column)
        recomputed = got.criterion_means.get(key)
        if not _same(exported, recomputed):
            yield line(column, exported, recomputed)
