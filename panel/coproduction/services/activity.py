"""What residents do in the app, counted as it happens, at the fund's usual times.

Every action in the app writes an audit row (`panel.audit.record`). This module registers a
listener there: an action that counts as a resident's activity (`FROM_AUDIT`) adds an entry to
that resident's involvement record in the same transaction, at the minutes `panel.fund.times`
gives its kind (staff set them on the Fund settings page, "How long tasks take"), which the
resident can correct for their own entry. Staff are never counted here: their time is recorded
as staff time. When staff change a kind's minutes, `follow_new_times` (registered with
`panel.fund.times.on_change`) moves the entries still at the usual time.
"""

from dataclasses import dataclass

from sqlalchemy import update

from panel.audit import on_record, record
from panel.database import rows_changed
from panel.extensions import db
from panel.fund import times
from panel.models import (
    ActivityKind,
    AuditEvent,
    CoproStage,
    FundingRound,
    InvolvementEntry,
    Role,
    Stage,
    User,
)
from panel.models.types import uk_today, utcnow


@dataclass(frozen=True)
class AppActivity:
    """How one audit action counts: its kind, whose activity it is, and how often it counts.

    person: "actor" (who did it) or "panellist" (a review, typed in by staff from paper too).
    once: "each" time, once per "object" (supporting the same thing again), once per "round".
    """

    kind: ActivityKind
    person: str = "actor"
    once: str = "each"


# Audit actions that count as a resident's activity: the ideas board's (issue #17), co-design's
# and scoring's. Each kind is a key of `panel.fund.times.KINDS`.
FROM_AUDIT: dict[str, AppActivity] = {
    "idea.created": AppActivity(ActivityKind.IDEA),
    "idea.supported": AppActivity(ActivityKind.IDEA_SUPPORT, once="object"),
    "idea.commented": AppActivity(ActivityKind.IDEA_COMMENT),
    "criterion.proposed": AppActivity(ActivityKind.PROPOSAL),
    "criterion.commented": AppActivity(ActivityKind.COMMENT),
    "criterion.supported": AppActivity(ActivityKind.SUPPORT, once="object"),
    "weights.shared": AppActivity(ActivityKind.WEIGHTS, once="round"),
    "review.submitted": AppActivity(ActivityKind.REVIEW, person="panellist"),
    # Agreeing to the code of conduct online follows reading the welcome (#17); on paper it is
    # staff who record it, and staff are not counted.
    "conduct.agreed": AppActivity(ActivityKind.WELCOME),
    # Completing a criterion after it was posted is mostly writing its level descriptors: counted
    # once per criterion however many times the resident edits it.
    "criterion.edited": AppActivity(ActivityKind.DESCRIPTORS, once="object"),
}

# The part of a round each kind of activity belongs to.
STAGE_OF: dict[ActivityKind, CoproStage] = {
    ActivityKind.IDEA: CoproStage.COINITIATION,
    ActivityKind.IDEA_SUPPORT: CoproStage.COINITIATION,
    ActivityKind.IDEA_COMMENT: CoproStage.COINITIATION,
    ActivityKind.PROPOSAL: CoproStage.CODESIGN,
    ActivityKind.COMMENT: CoproStage.CODESIGN,
    ActivityKind.SUPPORT: CoproStage.CODESIGN,
    ActivityKind.WEIGHTS: CoproStage.CODESIGN,
    ActivityKind.REVIEW: CoproStage.SCORING,
    ActivityKind.MEETING: CoproStage.MEETING,
    ActivityKind.WELCOME: CoproStage.COINITIATION,
    ActivityKind.DESCRIPTORS: CoproStage.CODESIGN,
}

# The kinds counted from the app at the fund's usual time (a meeting takes its own length).
COUNTED_KINDS: frozenset[str] = frozenset(str(how.kind) for how in FROM_AUDIT.values())

# Where a round's own stage falls among the parts co-production is counted in.
PART_OF_STAGE: dict[Stage, CoproStage] = {
    Stage.CODESIGN: CoproStage.CODESIGN,
    Stage.APPLICATIONS: CoproStage.APPLICATIONS,
    Stage.ELIGIBILITY: CoproStage.APPLICATIONS,
    Stage.SCORING: CoproStage.SCORING,
    Stage.PANEL: CoproStage.MEETING,
    Stage.DECIDED: CoproStage.MEETING,
}


def current_part(round_: FundingRound) -> CoproStage:
    """The part of co-production a round is in now (the default for something typed in)."""
    return PART_OF_STAGE[round_.current_stage]


def standard_minutes(kind: ActivityKind) -> int:
    """The fund's usual time for a kind counted from the app (`panel.fund.times`)."""
    return times.minutes_for(str(kind))


@times.on_change
def follow_new_times(changed: dict[str, int], actor: User) -> None:
    """Staff changed the usual time of some kinds: entries still at the usual time (not corrected
    by their resident) move to the new one, except in decided rounds, whose figures stay as they
    were reported. Audited with how many entries moved, when any did."""
    decided = db.select(FundingRound.id).where(FundingRound.stage == Stage.DECIDED)
    moved: dict[str, int] = {}
    for kind, minutes in changed.items():
        if kind not in COUNTED_KINDS:
            continue
        count = rows_changed(
            update(InvolvementEntry)
            .where(
                InvolvementEntry.kind == kind,
                InvolvementEntry.standard.is_(True),
                InvolvementEntry.minutes != minutes,
                (InvolvementEntry.round_id.is_(None)) | (InvolvementEntry.round_id.not_in(decided)),
            )
            .values(minutes=minutes, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if count:
            moved[kind] = count
    if moved:
        record(
            actor=actor,
            action="involvement.usual_times_followed",
            object_type="fund",
            after={"entries_updated": moved, "minutes": {k: changed[k] for k in moved}},
        )
        db.session.flush()


def _person(event: AuditEvent, actor: User | None, how: AppActivity) -> User | None:
    if how.person == "panellist":
        panellist_id = (event.after or {}).get("panellist_id")
        person = db.session.get(User, panellist_id) if isinstance(panellist_id, int) else None
    else:
        person = actor
    if person is None or person.role != Role.RESIDENT:
        return None
    return person


def _same(entry: InvolvementEntry, person: User, event: AuditEvent, how: AppActivity) -> bool:
    """Whether a not yet saved entry already counts this (the same transaction, twice)."""
    if entry.person_id != person.id or entry.kind != str(how.kind):
        return False
    if how.once == "round":
        return entry.round_id == event.round_id
    source = entry.audit_event
    return source is not None and (source.object_type, source.object_id) == (
        event.object_type,
        event.object_id,
    )


def _counted_already(person: User, event: AuditEvent, how: AppActivity) -> bool:
    if how.once == "each":
        return False
    pending = (e for e in db.session.new if isinstance(e, InvolvementEntry))
    if any(_same(entry, person, event, how) for entry in pending):
        return True
    query = db.select(InvolvementEntry.id).where(
        InvolvementEntry.person_id == person.id, InvolvementEntry.kind == str(how.kind)
    )
    if how.once == "round":
        query = query.where(InvolvementEntry.round_id == event.round_id)
    else:
        query = query.join(AuditEvent, InvolvementEntry.audit_event_id == AuditEvent.id).where(
            AuditEvent.object_type == event.object_type, AuditEvent.object_id == event.object_id
        )
    return db.session.execute(query.limit(1)).first() is not None


@on_record
def from_audit(event: AuditEvent, actor: User | None) -> None:
    """The audit log's listener: a resident's counted action adds an entry to their record."""
    how = FROM_AUDIT.get(event.action)
    if how is None:
        return
    # No autoflush: the service that writes the audit row flushes its own rows when it is ready.
    with db.session.no_autoflush:
        person = _person(event, actor, how)
        if person is None or _counted_already(person, event, how):
            return
        minutes = standard_minutes(how.kind)
    db.session.add(
        InvolvementEntry(
            person_id=person.id,
            round_id=event.round_id,
            stage=STAGE_OF[how.kind],
            kind=str(how.kind),
            happened_on=uk_today(),
            minutes=minutes,
            standard=True,
            audit_event=event,
        )
    )
