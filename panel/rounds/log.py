"""The round's change log in words: who changed what, on which application, and why.

The audit rows hold codes ("review.revised", `scores: {"c1": 4}`, `panellist_id: 3`); this
module turns a page of them into sentences ("Delroy Campbell changed Value for money from 3 to 4
on CF26-0004: “misread the budget”"), looking up names, references and criterion titles in a
few queries per page, and filters the log by person, application and kind.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, false, func, or_
from sqlalchemy.orm import selectinload

from panel.extensions import db
from panel.models import (
    Application,
    AuditEvent,
    Conflict,
    FundingRound,
    Review,
    Rubric,
    RubricCriterion,
    Stage,
    User,
)
from panel.models.types import uk_date
from panel.money import format_pence

# What a person can filter the log by: a kind's words, and the action codes it covers.
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "round": ("The round, its settings and stages", ("round.",)),
    "panel": ("Who is on the panel", ("panel.",)),
    "criteria": (
        "The criteria",
        ("criterion.", "criteria.", "rubric.", "weights.", "boundary."),
    ),
    "applications": ("Applications and eligibility", ("application.",)),
    "scores": ("Scores", ("review.",)),
    "conflicts": ("Conflicts of interest", ("conflict.",)),
    "decisions": ("Decisions", ("decision.", "lottery.")),
    "results": ("Results and exports", ("results.",)),
    "coproduction": (
        "Meetings, time and expenses",
        ("meeting.", "staff_time.", "expense.", "payment.", "involvement."),
    ),
}

# What each action did, after the person's name. {name} is the person it was done to.
VERBS = {
    "round.created": "set up the round",
    "round.updated": "changed the round's settings",
    "round.stage_changed": "moved the round on",
    "round.stage_stepped_back": "moved the round back",
    "round.ideas_chosen": "chose the ideas the round responds to",
    "round.method_changed": "changed how the results are worked out",
    "panel.member_added": "added {name} to the panel",
    "panel.member_removed": "took {name} off the panel",
    "review.draft_saved": "saved draft scores",
    "review.submitted": "sent scores",
    "review.revised": "changed scores",
    "review.revised_at_meeting": "changed scores at the panel meeting",
    "conflict.declared": "recorded a conflict of interest",
    "conflict.withdrawn": "withdrew a conflict of interest",
    "rubric.adopted": "adopted the criteria",
    "application.received": "received an application",
    "application.updated": "changed an application",
    "application.eligibility_checked": "checked eligibility",
    "application.withdrawn": "withdrew an application",
    "application.personal_data_erased": "erased an applicant's personal details",
    "decision.recorded": "recorded a decision",
    "decision.confirmed": "confirmed a decision",
    "decision.suggested": "suggested decisions from the ranking",
    "results.exported": "exported the results",
    "results.export_started": "started an export of the results",
    "criterion.proposed": "proposed a criterion",
    "criterion.edited": "changed a criterion",
    "criterion.commented": "commented on a criterion",
    "criterion.supported": "supported a criterion",
    "criterion.support_withdrawn": "stopped supporting a criterion",
    "criterion.shortlisted": "changed the shortlist",
    "criterion.fixed": "fixed a criterion",
    "criterion.unfixed": "stopped fixing a criterion",
    "criterion.removed": "removed a criterion",
    "criteria.copied": "copied criteria from another round",
    "weights.shared": "shared out the weights",
    "boundary.added": "set a boundary",
    "boundary.removed": "removed a boundary",
    "lottery.drawn": "drew lots at the funding line",
    "meeting.created": "arranged a meeting",
    "meeting.updated": "changed a meeting",
    "meeting.register_saved": "recorded who came to a meeting",
    "meeting.note_saved": "wrote a meeting note",
    "application.import_done": "imported applications from a spreadsheet",
}

# Keys that are people, or that the sentence already says another way.
PEOPLE_KEYS = ("panellist_id", "user_id", "entered_by_id", "decided_by_id")
SAID_ELSEWHERE = {"application_id", "version", "name", "status", "criteria_by_staff_reason"}
LABELS = {
    "stage": "the stage",
    "budget_pence": "the budget",
    "min_award_pence": "the smallest award",
    "max_award_pence": "the largest award",
    "amount_awarded_pence": "the amount awarded",
    "amount_requested_pence": "the amount requested",
    "scoring_deadline": "the scoring deadline",
    "applications_open_on": "the opening day",
    "applications_close_on": "the closing day",
    "overall_comment": "the overall comment",
    "role": "the role",
}


@dataclass(frozen=True)
class LogFilters:
    """What the log is narrowed to; None shows everything."""

    person_id: int | None = None
    application_id: int | None = None
    kind: str | None = None


@dataclass(frozen=True)
class Entry:
    """One change, in words."""

    at: datetime
    who: str
    text: str
    reference: str | None
    action: str


def _for_application(round_: FundingRound, application_id: int) -> Any:
    reviews = db.select(Review.id).where(
        Review.round_id == round_.id, Review.application_id == application_id
    )
    conflicts = db.select(Conflict.id).where(
        Conflict.round_id == round_.id, Conflict.application_id == application_id
    )
    return or_(
        and_(AuditEvent.object_type == "application", AuditEvent.object_id == application_id),
        and_(AuditEvent.object_type == "review", AuditEvent.object_id.in_(reviews)),
        and_(AuditEvent.object_type == "conflict", AuditEvent.object_id.in_(conflicts)),
    )


def log_query(round_: FundingRound, filters: LogFilters) -> Select[tuple[AuditEvent]]:
    """The round's audit rows that pass the filters, newest first (an unknown kind: none)."""
    query: Select[tuple[AuditEvent]] = db.select(AuditEvent).where(AuditEvent.round_id == round_.id)
    if filters.person_id is not None:
        query = query.where(AuditEvent.actor_id == filters.person_id)
    if filters.application_id is not None:
        query = query.where(_for_application(round_, filters.application_id))
    if filters.kind:
        prefixes = KINDS.get(filters.kind, ("", ()))[1]
        query = query.where(or_(false(), *(AuditEvent.action.startswith(p) for p in prefixes)))
    return query.options(selectinload(AuditEvent.actor)).order_by(
        AuditEvent.at.desc(), AuditEvent.id.desc()
    )


def people_in_log(round_: FundingRound) -> list[User]:
    """Everyone who changed something in the round, by name (the person filter's choices)."""
    actors = db.select(AuditEvent.actor_id).where(AuditEvent.round_id == round_.id).distinct()
    return list(
        db.session.execute(
            db.select(User).where(User.id.in_(actors)).order_by(func.lower(User.display_name))
        ).scalars()
    )


def applications_of(round_: FundingRound) -> list[Application]:
    """The round's applications by reference (the application filter's choices)."""
    return list(
        db.session.execute(
            db.select(Application)
            .where(Application.round_id == round_.id)
            .order_by(Application.reference)
        ).scalars()
    )


class _Lookups:
    """Names, references and criterion titles for one page of rows, each fetched once."""

    def __init__(self, round_: FundingRound, events: list[AuditEvent]) -> None:
        people: set[int] = set()
        applications: set[int] = set()
        for e in events:
            for side in (e.before or {}, e.after or {}):
                people.update(v for k, v in side.items() if k in PEOPLE_KEYS and isinstance(v, int))
                if isinstance(side.get("application_id"), int):
                    applications.add(side["application_id"])
            if e.object_type == "application" and e.object_id is not None:
                applications.add(e.object_id)
        self.names: dict[int, str] = {
            uid: name
            for uid, name in db.session.execute(
                db.select(User.id, User.display_name).where(User.id.in_(people))
            )
        }
        self.references: dict[int, str] = {
            aid: reference
            for aid, reference in db.session.execute(
                db.select(Application.id, Application.reference).where(
                    Application.id.in_(applications)
                )
            )
        }
        self.titles = {
            f"c{cid}": title
            for cid, title in db.session.execute(
                db.select(RubricCriterion.id, RubricCriterion.title)
                .join(Rubric, RubricCriterion.rubric_id == Rubric.id)
                .where(Rubric.round_id == round_.id)
            )
        }

    def reference(self, event: AuditEvent) -> str | None:
        if event.object_type == "application" and event.object_id is not None:
            return self.references.get(event.object_id)
        for side in (event.after or {}, event.before or {}):
            if isinstance(side.get("application_id"), int):
                return self.references.get(side["application_id"])
        return None

    def name(self, user_id: Any) -> str:
        return self.names.get(user_id, "someone no longer on record")


def _value(key: str, value: Any, lookups: _Lookups) -> str:
    if value is None or value == "":
        return "nothing"
    if key in PEOPLE_KEYS:
        return lookups.name(value)
    if key == "stage" and value in {s.value for s in Stage}:
        return Stage(value).label
    if key.endswith("_pence") and isinstance(value, int):
        return format_pence(value)
    if key.endswith("_on") and isinstance(value, str):
        try:
            return uk_date(datetime.fromisoformat(value).date())
        except ValueError:
            return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"“{value}”" if isinstance(value, str) else str(value)


def _score_changes(before: dict[str, Any], after: dict[str, Any], lookups: _Lookups) -> list[str]:
    old, new = before.get("scores") or {}, after.get("scores") or {}
    out = []
    for key, value in new.items():
        title = lookups.titles.get(key, "a question")
        if key not in old or old[key] is None:
            if value is not None:
                out.append(f"gave {title} {value}")
        elif old[key] != value:
            out.append(
                f"changed {title} from {old[key]} to {'no score' if value is None else value}"
            )
    return out


def _changes(before: dict[str, Any], after: dict[str, Any], lookups: _Lookups) -> list[str]:
    out = []
    for key in [*after, *(k for k in before if k not in after)]:
        if key in SAID_ELSEWHERE or key in ("scores", "comments", "reason", "days_early"):
            continue
        old, new = before.get(key), after.get(key)
        if isinstance(old, dict | list) or isinstance(new, dict | list) or old == new:
            continue
        label = LABELS.get(key, key.removesuffix("_id").replace("_", " "))
        if key in before and key in after:
            out.append(
                f"changed {label} from {_value(key, old, lookups)} to {_value(key, new, lookups)}"
            )
        elif key in after:
            out.append(f"{label}: {_value(key, new, lookups)}")
    return out


def sentence(event: AuditEvent, lookups: _Lookups) -> str:
    """What one audit row says, after the person's name."""
    before, after = event.before or {}, event.after or {}
    name = after.get("name") or before.get("name") or lookups.name(after.get("user_id"))
    area, _, what = event.action.partition(".")
    verb = VERBS.get(event.action, f"{what.replace('_', ' ')} ({area.replace('_', ' ')})")
    verb = verb.format(name=name)
    if event.action.startswith("round.stage_"):
        text = (
            f"{verb} from {_value('stage', before.get('stage'), lookups)} "
            f"to {_value('stage', after.get('stage'), lookups)}"
        )
        if after.get("criteria_by_staff_reason"):
            text += (
                ", with staff adopting the criteria without the panel because "
                f"“{after['criteria_by_staff_reason']}”"
            )
        if after.get("days_early"):
            text += f", closing applications {after['days_early']} days early"
    elif event.object_type == "review":
        parts = _score_changes(before, after, lookups)
        text = " and ".join(parts) if parts and event.action != "review.draft_saved" else verb
        if after.get("entered_by_id"):
            text += f" for {lookups.name(after.get('panellist_id'))}, from their paper sheet"
    else:
        parts = _changes(before, after, lookups)
        text = verb + (f": {'; '.join(parts)}" if parts else "")
    reference = lookups.reference(event)
    if reference and event.action != "panel.member_added":
        text += f" on {reference}"
    if after.get("reason"):
        text += f": “{after['reason']}”"
    return text


def entries(round_: FundingRound, events: list[AuditEvent]) -> list[Entry]:
    """A page of the round's audit rows, each in words."""
    lookups = _Lookups(round_, events)
    return [
        Entry(
            at=e.at,
            who=e.actor.display_name if e.actor else "The system",
            text=sentence(e, lookups),
            reference=lookups.reference(e),
            action=e.action,
        )
        for e in events
    ]
