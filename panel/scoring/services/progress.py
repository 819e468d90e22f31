"""Progress: a panellist's queue, counted reviews per application, and staff's coverage.

Nothing here sorts or counts by anyone's scores, and each page's queries are a fixed number
whatever the size of the round.
"""

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import exists, func

from panel.applications.queries import eligible_applications, eligible_in_round
from panel.extensions import db
from panel.models import Application, Conflict, FundingRound, Review, ReviewStatus, User
from panel.rounds.services import current_members
from panel.scoring.services.lookups import conflict_stands, is_counted, not_set_aside

QUEUE_STATUS_LABELS = {
    "not_started": "Not started",
    "draft": "Draft saved",
    "submitted": "Submitted",
    "conflict": "Conflict declared",
}
# The colour of each status's tag, on My scoring and on the coverage page alike.
STATUS_COLOURS = {
    "not_started": "grey",
    "draft": "yellow",
    "submitted": "green",
    "conflict": "purple",
}


@dataclass
class QueueItem:
    application: Application
    status: str
    review: Review | None = None

    @property
    def label(self) -> str:
        return QUEUE_STATUS_LABELS[self.status]


@dataclass
class Queue:
    """A panellist's applications: `items` to score and `recused` (conflicts), by reference."""

    items: list[QueueItem] = field(default_factory=list)
    recused: list[QueueItem] = field(default_factory=list)
    next_up: Application | None = None

    @property
    def submitted(self) -> int:
        return sum(1 for i in self.items if i.status == "submitted")

    @property
    def total(self) -> int:
        return len(self.items)


def my_queue(*, round_: FundingRound, panellist: User) -> Queue:
    """The panellist's applications with their own progress; conflicts are kept apart.

    Nothing here sorts or counts by other panellists' scores. "Next to score" is
    `next_to_score`'s choice. Four queries, however many applications there are.
    """
    applications = eligible_applications(round_.id)
    own = {
        r.application_id: r
        for r in db.session.execute(
            db.select(Review).where(
                Review.round_id == round_.id, Review.panellist_id == panellist.id
            )
        ).scalars()
    }
    conflicted = set(
        db.session.execute(
            db.select(Conflict.application_id).where(
                Conflict.round_id == round_.id,
                Conflict.panellist_id == panellist.id,
                conflict_stands(),
            )
        ).scalars()
    )
    queue = Queue()
    for application in applications:
        review = own.get(application.id)
        if application.id in conflicted:
            queue.recused.append(QueueItem(application, "conflict", review))
            continue
        status = review.status if review is not None else "not_started"
        queue.items.append(QueueItem(application, status, review))
    queue.next_up = next_to_score(round_=round_, panellist=panellist)
    return queue


def next_to_score(*, round_: FundingRound, panellist: User) -> Application | None:
    """Among the round's eligible applications the panellist has neither submitted nor recused
    from, the one with the fewest counted reviews (so every application reaches quorum); ties
    go by reference. Nothing here looks at anyone's scores.

    One query, and no row per application comes back: the scoring page asks for this on
    every view, so its cost is the database's indexed lookups, not Python's work per
    application (which grew with the round). The counted reviews are the application's
    `counted_reviews`, kept by the database (panel/models/counted.py), so the query reads the
    index `ix_application_next_to_score` in order and stops at the first application the
    panellist may still score, however large the round."""
    submitted = exists().where(
        Review.application_id == Application.id,
        Review.panellist_id == panellist.id,
        Review.status == ReviewStatus.SUBMITTED,
    )
    recused = exists().where(
        Conflict.application_id == Application.id,
        Conflict.panellist_id == panellist.id,
        conflict_stands(),
    )
    return db.session.execute(
        db.select(Application)
        .where(eligible_in_round(round_.id), ~submitted, ~recused)
        .order_by(Application.counted_reviews, Application.reference)
        .limit(1)
    ).scalar_one_or_none()


def submitted_counts(round_: FundingRound) -> dict[int, int]:
    """Counted (submitted, not set aside) reviews per application id: one GROUP BY query."""
    rows = db.session.execute(
        db.select(Review.application_id, func.count(Review.id))
        .where(Review.round_id == round_.id, is_counted())
        .group_by(Review.application_id)
    ).all()
    return {application_id: n for application_id, n in rows}


# --------------------------------------------------------------------------- coverage


@dataclass(frozen=True)
class PanellistProgress:
    """How far one panellist has got: `to_score` leaves out the applications they recused from."""

    submitted: int
    drafts: int
    conflicts: int
    to_score: int
    not_started: int


@dataclass
class Coverage:
    panellists: list[User]
    applications: list[Application]
    # (application id, panellist id) -> "submitted" | "draft" | "conflict"; missing = not started
    cells: dict[tuple[int, int], str]
    per_application: dict[int, int]
    per_panellist: dict[int, Counter[str]]
    quorum: int

    def cell(self, application_id: int, panellist_id: int) -> str:
        return self.cells.get((application_id, panellist_id), "not_started")

    def submitted(self, application_id: int) -> int:
        """Counted reviews of the application."""
        return self.per_application.get(application_id, 0)

    def short_of_quorum(self, application_id: int) -> int:
        """How many more counted reviews the application needs (0 once it has enough)."""
        return max(0, self.quorum - self.submitted(application_id))

    @property
    def below_quorum(self) -> list[Application]:
        return [a for a in self.applications if self.short_of_quorum(a.id)]

    def progress(self, panellist_id: int) -> PanellistProgress:
        """One panellist's counts over the round's eligible applications."""
        counts = self.per_panellist.get(panellist_id, Counter())
        total = len(self.applications)
        submitted, drafts = counts["submitted"], counts["draft"]
        conflicts = counts["conflict"]
        return PanellistProgress(
            submitted=submitted,
            drafts=drafts,
            conflicts=conflicts,
            to_score=total - conflicts,
            not_started=total - submitted - drafts - conflicts,
        )


def coverage(round_: FundingRound) -> Coverage:
    """Who has scored what: a panellist x application matrix with counts (staff only).

    A fixed number of queries: members, applications, review cells, conflicts, and two
    GROUP BY counts, whatever the size of the round.
    """
    members = current_members(round_)
    panellists = [m.user for m in members]
    applications = eligible_applications(round_.id)
    cells: dict[tuple[int, int], str] = {}
    for application_id, panellist_id, status in db.session.execute(
        db.select(Review.application_id, Review.panellist_id, Review.status).where(
            Review.round_id == round_.id
        )
    ):
        cells[(application_id, panellist_id)] = status
    for application_id, panellist_id in db.session.execute(
        db.select(Conflict.application_id, Conflict.panellist_id).where(
            Conflict.round_id == round_.id, conflict_stands()
        )
    ):
        cells[(application_id, panellist_id)] = "conflict"
    per_panellist: dict[int, Counter[str]] = {p.id: Counter() for p in panellists}
    for panellist_id, status, n in db.session.execute(
        db.select(Review.panellist_id, Review.status, func.count(Review.id))
        .join(Application, Application.id == Review.application_id)
        .where(
            Review.round_id == round_.id,
            eligible_in_round(round_.id),
            not_set_aside(),
        )
        .group_by(Review.panellist_id, Review.status)
    ):
        per_panellist.setdefault(panellist_id, Counter())[status] = n
    for panellist_id, n in db.session.execute(
        db.select(Conflict.panellist_id, func.count(Conflict.id))
        .join(Application, Application.id == Conflict.application_id)
        .where(
            Conflict.round_id == round_.id,
            conflict_stands(),
            eligible_in_round(round_.id),
        )
        .group_by(Conflict.panellist_id)
    ):
        per_panellist.setdefault(panellist_id, Counter())["conflict"] = n
    return Coverage(
        panellists=panellists,
        applications=applications,
        cells=cells,
        per_application=submitted_counts(round_),
        per_panellist=per_panellist,
        quorum=round_.quorum,
    )
