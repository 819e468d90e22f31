"""One entry point that analyses a whole round, fast enough for a results page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from operator import mul

from criteria.aggregate import FlagLimits, summarise
from criteria.agreement import alpha_from_integer_sums, alpha_from_moments
from criteria.calibrate import calibrate_grouped
from criteria.errors import ScoringError
from criteria.model import (
    DEFAULT_SETTINGS,
    Application,
    ApplicationResult,
    Criterion,
    Recusal,
    Review,
    RoundResult,
    Scale,
    Settings,
    Summary,
)
from criteria.ranking import rank
from criteria.sheet import SheetRules, compile_rules, percent


def _check_applications(applications: Sequence[Application]) -> dict[str, int]:
    index: dict[str, int] = {}
    for position, application in enumerate(applications):
        if not isinstance(application, Application):
            raise ScoringError(f"Expected an Application, not {application!r}.")
        if application.reference in index:
            raise ScoringError(
                f"Application '{application.reference}' appears more than once in the round."
            )
        index[application.reference] = position
    return index


def _recusal_pairs(recusals: Iterable[Recusal], index: dict[str, int]) -> dict[str, set[str]]:
    recused: dict[str, set[str]] = defaultdict(set)
    for recusal in recusals:
        if recusal.application not in index:
            raise ScoringError(
                f"Panellist '{recusal.panellist}' declared a conflict on application "
                f"'{recusal.application}', which is not in this round."
            )
        recused[recusal.application].add(recusal.panellist)
    return recused


def analyse_round(
    *,
    scale: Scale,
    criteria: Sequence[Criterion],
    applications: Sequence[Application],
    reviews: Iterable[Review],
    recusals: Iterable[Recusal] = (),
    settings: Settings = DEFAULT_SETTINGS,
) -> RoundResult:
    """Every figure of the scoring method over submitted, non-recused reviews; ranked by rank_by."""
    rules = compile_rules(criteria, scale)
    return _analyse(rules, applications, _review_rows(rules, reviews), recusals, settings)


def analyse_rows(
    *,
    scale: Scale,
    criteria: Sequence[Criterion],
    applications: Sequence[Application],
    rows: Iterable[tuple[str, str, Sequence[int | None]]],
    recusals: Iterable[Recusal] = (),
    settings: Settings = DEFAULT_SETTINGS,
) -> RoundResult:
    """analyse_round over (application, panellist, scores in scored-criterion order) rows."""
    # A row's scores may be any sequence, bytes included (a whole number per byte), so a
    # caller reading packed scores from a database need not build a tuple per review.
    rules = compile_rules(criteria, scale)
    return _analyse(rules, applications, rows, recusals, settings)


def _review_rows(
    rules: SheetRules, reviews: Iterable[Review]
) -> Iterator[tuple[str, str, Sequence[int | None]]]:
    """Each review as a row of its scores in criterion order; wrong keys are named."""
    getter, width = rules.getter, len(rules.keys)
    for review in reviews:
        application, panellist, scores = review.application, review.panellist, review.scores
        try:
            values = getter(scores)
        except (KeyError, TypeError):
            raise rules.key_error(scores, application=application, panellist=panellist) from None
        if len(scores) != width:
            raise rules.key_error(scores, application=application, panellist=panellist)
        yield application, panellist, values


def _valid(rules: SheetRules, rows: list[Sequence[int]]) -> bool:
    """Every row has a score per criterion, each a whole number (not a bool) on the scale."""
    if set(map(len, rows)) != {len(rules.keys)}:
        return False
    if set(map(type, rows)) == {bytes}:  # compact rows: every item is already a whole number
        return rules.allowed.issuperset(b"".join(rows))  # type: ignore[arg-type]
    values = list(chain.from_iterable(rows))
    return set(map(type, values)) == {int} and rules.allowed.issuperset(values)


SQUARES = bytes(min(b * b, 255) for b in range(256))  # used only for scores of 15 or less


def _compact(rules: SheetRules, rows: list[list[Sequence[int]]]) -> bool:
    """Every row is bytes with a score per criterion, each one allowed (then no row needs the
    per-application check)."""
    flat = list(chain.from_iterable(rows))
    if not flat or set(map(type, flat)) != {bytes} or set(map(len, flat)) != {len(rules.keys)}:
        return False
    if not all(0 <= score <= 255 for score in rules.allowed):
        return False
    # Deleting every allowed score leaves nothing (one C pass; a set test per score was slower).
    allowed = bytes(sorted(rules.allowed))
    return not b"".join(flat).translate(None, allowed)  # type: ignore[arg-type]


def _raise_first_invalid(
    rules: SheetRules, application: str, rows: list[Sequence[int]], panellists: list[str]
) -> None:
    """Raise the specific error for the first row of the application that is not valid."""
    width = len(rules.keys)
    for values, panellist in zip(rows, panellists, strict=True):
        if len(values) != width:
            raise ScoringError(
                f"The review by panellist '{panellist}' on application '{application}' has "
                f"{len(values)} scores; the round has {width} scored criteria."
            )
        if tuple(map(type, values)) != rules.int_types or not rules.allowed.issuperset(values):
            raise rules.score_error(values, application=application, panellist=panellist)
    raise AssertionError("no invalid row found")  # pragma: no cover


def _analyse(
    rules: SheetRules,
    applications: Sequence[Application],
    review_rows: Iterable[tuple[str, str, Sequence[int | None]]],
    recusals: Iterable[Recusal],
    settings: Settings,
) -> RoundResult:
    scale = rules.scale
    index = _check_applications(applications)
    recused = _recusal_pairs(recusals, index)
    count = len(applications)
    rows: list[list[Sequence[int]]] = [[] for _ in range(count)]
    names: list[list[str]] = [[] for _ in range(count)]

    # The hot loop only files each review under its application. The checks and sheet scores
    # then run an application at a time, mostly inside C (set, map, chain), not per score.
    get = index.get
    for application, panellist, values in review_rows:
        position = get(application)
        if position is None:
            raise ScoringError(
                f"The review by panellist '{panellist}' is for application '{application}', "
                "which is not in this round."
            )
        rows[position].append(values)  # type: ignore[arg-type]  # checked below
        names[position].append(panellist)

    # Rows of bytes (a score per byte) whose every score is allowed are checked here at once,
    # and their criterion columns are slices of one bytes object: no per-score Python work.
    compact = _compact(rules, rows)
    weights, weight_total = rules.weights, rules.weight_total
    sheets: list[list[float]] = []
    by_panellist: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for entry, own, panellists in zip(applications, rows, names, strict=True):
        reference = entry.reference
        if len(set(panellists)) != len(panellists):
            twice = next(p for i, p in enumerate(panellists) if p in panellists[:i])
            raise ScoringError(
                f"Panellist '{twice}' has more than one submitted review "
                f"of application '{reference}'."
            )
        clash = recused.get(reference, set()).intersection(panellists)
        if clash:
            raise ScoringError(
                f"Panellist '{min(clash)}' declared a conflict on application '{reference}' "
                "but also submitted a review of it."
            )
        if own and not compact and not _valid(rules, own):
            _raise_first_invalid(rules, reference, own, panellists)
        own_sheets = [sum(map(mul, weights, values)) / weight_total for values in own]
        sheets.append(own_sheets)
        for panellist, sheet in zip(panellists, own_sheets, strict=True):
            by_panellist[panellist].append((reference, sheet))

    show_calibrated = settings.calibrate or settings.rank_by == "calibrated"
    calibration = calibrate_grouped(
        by_panellist, list(chain.from_iterable(sheets)), z_scores=show_calibrated
    )
    limits = FlagLimits.of(scale, settings.sd_flag, settings.range_flag)

    keys = rules.keys
    width = len(keys)
    # A compact column's squares by one table lookup per score (each square fits a byte).
    squares = SQUARES if compact and max(rules.allowed) <= 15 else None
    criterion_units: list[list[tuple[int, int, int]]] = [[] for _ in keys]
    sheet_units: list[tuple[int, float, float]] = []
    summaries: list[tuple[Summary, list[float], dict[str, float | None], float | None]] = []
    figures: dict[str, float | None] = {}
    for entry, own_rows, own_sheets in zip(applications, rows, sheets, strict=True):
        summary, found, ordered = summarise(own_sheets)
        n = summary.n
        means: dict[str, float | None] = dict.fromkeys(keys)
        if n:
            sheet_units.append(found)
            if compact:
                joined = b"".join(own_rows)  # type: ignore[arg-type]  # bytes: see _compact
                columns: Iterable[Sequence[int]] = [joined[k::width] for k in range(width)]
            else:
                columns = zip(*own_rows, strict=True)
            for key, units, column in zip(keys, criterion_units, columns, strict=True):
                total = sum(column)
                means[key] = total / n
                if squares is not None:
                    square_sum = sum(column.translate(squares))  # type: ignore[attr-defined]
                else:
                    square_sum = sum(map(mul, column, column))
                units.append((n, total, square_sum))
        calibrated = calibration.calibrated.get(entry.reference) if show_calibrated else None
        if settings.rank_by == "mean":
            figures[entry.reference] = summary.mean
        elif settings.rank_by == "median":
            figures[entry.reference] = summary.median
        else:
            figures[entry.reference] = calibrated
        summaries.append((summary, ordered, means, calibrated))

    ranks = rank(figures)
    results: list[ApplicationResult] = []
    for reference, place in ranks.items():
        position = index[reference]
        entry = applications[position]
        summary, ordered, means, calibrated = summaries[position]
        reasons = limits.reasons(summary)
        results.append(
            ApplicationResult(
                reference=reference,
                n=summary.n,
                mean=summary.mean,
                median=summary.median,
                sd=summary.sd,
                range=summary.range,
                minimum=summary.minimum,
                maximum=summary.maximum,
                se=summary.se,
                percent=percent(summary.mean, scale) if summary.mean is not None else None,
                calibrated=calibrated,
                criterion_means=means,
                sheet_scores=tuple(ordered),
                meets_quorum=summary.n >= settings.quorum,
                flagged=bool(reasons),
                flag_reasons=reasons,
                rank=place,
                figure=figures[reference],
                recusals=len(recused.get(reference, ())),
                eligible=entry.eligible,
                amount_requested=entry.amount_requested,
            )
        )
    agreement = alpha_from_moments(sheet_units)
    return RoundResult(
        applications=tuple(results),
        panellists=calibration.panellists,
        agreement=agreement,
        criterion_agreement={
            key: alpha_from_integer_sums(units)
            for key, units in zip(keys, criterion_units, strict=True)
        },
        grand_mean=calibration.grand_mean,
        grand_sd=calibration.grand_sd,
        scale=scale,
        settings=settings,
    )


def moderation_agenda(result: RoundResult) -> tuple[ApplicationResult, ...]:
    """Flagged applications for discussion, largest SD first, then by reference."""
    flagged = [app for app in result.applications if app.flagged]
    return tuple(sorted(flagged, key=lambda a: (-(a.sd or 0.0), a.reference)))
