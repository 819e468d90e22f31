"""The round's results: plain rows from a few queries, analysed by the criteria engine.

Aggregates never come from ORM objects per score (measured: they made results 22x slower at
500,000 scores): one query reads every submitted review's scores packed into an integer,
and the analysis is remembered per round until something it was made from changes.
"""

import threading
from collections import OrderedDict
from collections.abc import Container, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from typing import Any

from flask import current_app

import criteria
from criteria.sheet import compile_rules
from panel.applications.queries import eligible_in_round
from panel.extensions import db
from panel.models import (
    Application,
    Conflict,
    FundingRound,
    Review,
    ReviewStatus,
    RoundMember,
    Rubric,
    RubricCriterion,
    User,
)
from panel.results.reading import (
    ReadReview,
    ScoreRow,
    current_reviews,
    read_reviews,
    review_versions,
)
from panel.rubrics import current_rubric
from panel.scoring.services.lookups import conflict_stands


class ResultsUnavailable(ValueError):
    """Results cannot be computed yet; the message says why in plain words."""


NO_CRITERIA = "There are no results yet: the criteria have not been adopted."


@dataclass(frozen=True)
class AppRow:
    """What the results table shows of one application besides its figures."""

    id: int
    reference: str
    organisation: str
    project: str
    amount_requested_pence: int


@dataclass(frozen=True)
class RoundResults:
    """A round analysed, as one viewer may see it, with the reviews its figures were made of."""

    round: FundingRound
    rubric: Rubric
    scored: list[RubricCriterion]
    result: criteria.RoundResult
    applications: dict[str, AppRow]
    panel_size: int
    # The ids of the reviews the figures count (see counted_reviews): every export takes them
    # from here, so no sheet decides again which reviews count.
    counted: frozenset[int] = frozenset()
    # Every submitted review as it was read for the analysis, by id (counted or not).
    reviews: Mapping[int, ReadReview] = field(default_factory=dict)
    # True when the figures were worked out without the applications this viewer declared a
    # conflict on (so no figure they see depends on those), and the funding line is not theirs
    # to see: where the budget runs out depends on every application.
    without_conflicts: bool = False

    def row(self, reference: str) -> AppRow:
        return self.applications[reference]

    def sheet_scores(self) -> dict[int, float]:
        """Each counted review's sheet score, by review id, worked out by the engine's rules."""
        rules = compile_rules(engine_criteria(self.rubric), self.result.scale)
        # A counted review has every score: no None among them.
        return {i: rules.score(self.reviews[i][3]) for i in self.counted}  # type: ignore[arg-type]


def engine_settings(round_: FundingRound) -> criteria.Settings:
    """The round's method settings as the scoring engine takes them."""
    return criteria.Settings(
        quorum=round_.quorum,
        calibrate=round_.calibrate or round_.rank_by == "calibrated",
        rank_by=round_.rank_by,  # type: ignore[arg-type]  # CHECK constraint: a RankBy
        sd_flag=Decimal(round_.sd_flag_percent) / 100,
        range_flag=Decimal(round_.range_flag_percent) / 100,
        min_percent=Decimal(round_.min_percent),
        policy=round_.allocation_policy,  # type: ignore[arg-type]  # CHECK constraint: a Policy
    )


def engine_criteria(rubric: Rubric) -> list[criteria.Criterion]:
    """The rubric's scored criteria as the engine's, keyed "c<id>"."""
    return [
        criteria.Criterion(key=c.key, title=c.title, weight=c.weight, kind="scored")
        for c in rubric.scored
    ]


def counted_reviews(
    reviews: Mapping[int, ReadReview], eligible: Container[int], recused: Container[tuple[int, int]]
) -> frozenset[int]:
    """The reviews that count: of an eligible application, not set aside by a standing conflict."""
    return frozenset(
        review_id
        for review_id, (_, application_id, panellist_id, _) in reviews.items()
        if application_id in eligible and (application_id, panellist_id) not in recused
    )


def engine_rows(
    reviews: Mapping[int, ReadReview], counted: Container[int], references: Mapping[int, str]
) -> list[ScoreRow]:
    """The counted reviews as the engine's rows (reference, panellist, scores), in read order."""
    names: dict[int, str] = {}  # a panellist's id as text, made once (14,000 rows, 30 people)
    return [
        (
            references[application_id],
            names.get(panellist_id) or names.setdefault(panellist_id, str(panellist_id)),
            values,
        )
        for review_id, (_, application_id, panellist_id, values) in reviews.items()
        if review_id in counted
    ]


def standing_conflicts(round_id: int) -> list[tuple[int, int]]:
    """(application id, panellist id) of every standing (not withdrawn) conflict."""
    return [
        (a, p)
        for a, p in db.session.execute(
            db.select(Conflict.application_id, Conflict.panellist_id).where(
                Conflict.round_id == round_id, conflict_stands()
            )
        )
    ]


def eligible_rows(round_id: int) -> list[AppRow]:
    """The round's eligible applications as plain rows."""
    return [
        AppRow(*r)
        for r in db.session.execute(
            db.select(
                Application.id,
                Application.reference,
                Application.organisation_name,
                Application.project_title,
                Application.amount_requested_pence,
            )
            .where(eligible_in_round(round_id))
            .order_by(Application.reference)
        )
    ]


def panel_size(round_id: int) -> int:
    """How many residents are on the round's panel now."""
    return int(
        db.session.execute(
            db.select(db.func.count())
            .select_from(RoundMember)
            .where(RoundMember.round_id == round_id, RoundMember.removed_at.is_(None))
        ).scalar_one()
    )


# ------------------------------------------------------------------ remembered analyses
#
# The results, the meeting agenda, each application's page, decisions and exports all need the
# whole round analysed. Between two changes to the round the answer is the same, so each app
# remembers its last analysis per round, under a key holding everything the engine reads: the
# criteria and method settings, the eligible applications, the standing conflicts, and the id
# and version of every submitted review. A review's version goes up with every save of its
# scores (scoring.services.reviews.save_review is their only writer), so a changed score, a new or
# set-aside review, a conflict, an eligibility decision or a changed setting is a new key and
# a fresh analysis: never a stale figure. The reviews read last time are kept too, so after a
# change only the reviews whose version moved are read again before the engine reruns.
# Reading the key costs one query over the round's reviews (about 6 ms at 15,000 reviews)
# against about 45 ms to read every review's scores.
#
# A panellist with a standing conflict is shown figures worked out without the applications
# hidden from them (docs/security.md item 29): agreement, calibration and ranks all move when
# any application's scores move, so leaving its row out of the table is not enough. Those
# analyses are remembered under the same key, beside the round's own, one per set of hidden
# applications (panellists conflicted on the same applications share one), up to KEEP_VIEWS
# a round; they share the reviews read, so a conflicted view costs an engine run, never a read.
KEEP_ANALYSES = 16
KEEP_VIEWS = 8
Hidden = frozenset[int]  # the ids of the applications an analysis leaves out
EVERYONE: Hidden = frozenset()


@dataclass(frozen=True)
class Analysis:
    """The engine's answer and the reviews it counted."""

    result: criteria.RoundResult
    counted: frozenset[int]


@dataclass(frozen=True)
class Remembered:
    """One round's last analyses, the key they were made under and the reviews they read."""

    setup: tuple[Any, ...]  # rubric, scale, criteria, settings: change any and nothing is kept
    key: tuple[Any, ...]
    reviews: dict[int, ReadReview]
    # By the applications each leaves out: EVERYONE is the round's own analysis.
    views: Mapping[Hidden, Analysis]

    def with_view(self, hidden: Hidden, analysis: Analysis) -> "Remembered":
        """This entry with one more analysis, forgetting the oldest conflicted view beyond
        KEEP_VIEWS (the round's own is kept)."""
        views = {**self.views, hidden: analysis}
        extra = [h for h in views if h != EVERYONE][: max(0, len(views) - KEEP_VIEWS)]
        for old in extra:
            del views[old]
        return Remembered(self.setup, self.key, self.reviews, views)


@dataclass
class Analyses:
    """An app's last analysis of each of its recently viewed rounds."""

    entries: OrderedDict[int, Remembered] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    computed: int = 0  # analyses worked out rather than remembered (for tests)
    reviews_read: int = 0  # reviews whose scores were read (for tests)

    def get(self, round_id: int) -> Remembered | None:
        """What is remembered of the round, if anything."""
        with self.lock:
            entry = self.entries.get(round_id)
            if entry is not None:
                self.entries.move_to_end(round_id)
            return entry

    def put(self, round_id: int, entry: Remembered, *, read: int) -> None:
        """Remember an analysis, forgetting the least recently used round beyond the limit."""
        with self.lock:
            self.computed += 1
            self.reviews_read += read
            self.entries[round_id] = entry
            self.entries.move_to_end(round_id)
            while len(self.entries) > KEEP_ANALYSES:
                self.entries.popitem(last=False)


def analyses() -> Analyses:
    """This app's remembered analyses (one store per app, so tests never share one)."""
    found: Analyses = current_app.extensions.setdefault("panel.analyses", Analyses())
    return found


def analyse(
    round_: FundingRound,
    apps: list[AppRow],
    recused: set[tuple[int, int]],
    reviews: Mapping[int, ReadReview],
    scored: list[criteria.Criterion],
    hidden: Hidden = EVERYONE,
) -> Analysis:
    """Run the engine over the round's applications but the hidden ones, and their reviews."""
    shown = [a for a in apps if a.id not in hidden]
    ids = {a.id: a.reference for a in shown}
    pairs = {(a, p) for a, p in recused if a in ids}
    counted = counted_reviews(reviews, ids, pairs)
    try:
        result = criteria.analyse_rows(
            scale=criteria.Scale(round_.scale_min, round_.scale_max),
            criteria=scored,
            applications=[
                criteria.Application(
                    reference=a.reference, amount_requested=a.amount_requested_pence
                )
                for a in shown
            ],
            rows=engine_rows(reviews, counted, ids),
            recusals=[
                criteria.Recusal(application=ids[a], panellist=str(p)) for a, p in sorted(pairs)
            ],
            settings=engine_settings(round_),
        )
    except criteria.ScoringError as exc:
        raise ResultsUnavailable(f"The results could not be worked out: {exc}") from exc
    return Analysis(result, counted)


def compute(round_: FundingRound, *, hide_for: User | None = None) -> RoundResults:
    """Analyse the round from a handful of queries; for `hide_for`, without the applications
    they declared a conflict on: no figure they are shown depends on those (item 29)."""
    rubric = current_rubric(round_)
    if rubric is None or not rubric.scored:
        raise ResultsUnavailable(NO_CRITERIA)
    apps = eligible_rows(round_.id)
    by_id = {a.id: a for a in apps}
    recused = {(a, p) for a, p in standing_conflicts(round_.id) if a in by_id}
    hidden: Hidden = EVERYONE
    if hide_for is not None:
        hidden = frozenset(a for a, p in recused if p == hide_for.id)
    scale = criteria.Scale(round_.scale_min, round_.scale_max)
    scored = engine_criteria(rubric)
    setup = (rubric.id, scale, tuple(scored), engine_settings(round_))
    store = analyses()
    remembered = store.get(round_.id)
    known = remembered.reviews if remembered is not None and remembered.setup == setup else None
    read = 0
    if known is None:
        # Nothing to build on: read every review; their versions come with them.
        reviews = read_reviews(round_.id, rubric.scored)
        versions = tuple(sorted(zip(reviews, map(itemgetter(0), reviews.values()), strict=True)))
        read = len(reviews)
    else:
        versions = review_versions(round_.id)
    key = (
        setup,
        tuple((a.reference, a.amount_requested_pence) for a in apps),
        tuple(sorted((by_id[a].reference, p) for a, p in recused)),
        versions,
    )
    if remembered is not None and remembered.key == key:
        entry = remembered
    else:
        if known is not None:
            reviews, read = current_reviews(round_.id, rubric.scored, versions, known)
        entry = Remembered(setup, key, reviews, {})
    analysis = entry.views.get(hidden)
    if analysis is None:
        analysis = analyse(round_, apps, recused, entry.reviews, scored, hidden)
        store.put(round_.id, entry.with_view(hidden, analysis), read=read)
    return RoundResults(
        round=round_,
        rubric=rubric,
        scored=rubric.scored,
        result=analysis.result,
        applications={a.reference: a for a in apps if a.id not in hidden},
        panel_size=panel_size(round_.id),
        counted=analysis.counted,
        reviews=entry.reviews,
        without_conflicts=bool(hidden),
    )


def can_see_results(round_: FundingRound, user: User) -> tuple[bool, str]:
    """Staff always; a panellist once every review of theirs is submitted, if the round allows."""
    if user.is_staff:
        return True, ""
    if not round_.panellists_see_results:
        return False, "In this round, results are shared by staff at the panel meeting."
    outstanding = outstanding_reviews(round_, user)
    if outstanding:
        plural = "application" if outstanding == 1 else "applications"
        return (
            False,
            f"You will see the results once you have submitted your scores for all "
            f"your applications. {outstanding} {plural} still to do.",
        )
    return True, ""


def outstanding_reviews(round_: FundingRound, user: User) -> int:
    """Eligible applications the panellist has neither submitted a review of nor is recused on."""
    submitted = db.select(Review.application_id).where(
        Review.panellist_id == user.id, Review.status == ReviewStatus.SUBMITTED
    )
    recused = db.select(Conflict.application_id).where(
        Conflict.panellist_id == user.id, conflict_stands()
    )
    return int(
        db.session.execute(
            db.select(db.func.count())
            .select_from(Application)
            .where(
                eligible_in_round(round_.id),
                Application.id.not_in(submitted),
                Application.id.not_in(recused),
            )
        ).scalar_one()
    )


def fmt(value: Any, places: int = 2) -> str:
    """A figure for display: rounded, or an em dash when missing."""
    if value is None:
        return "–"
    return f"{value:.{places}f}"
