"""About how long each kind of task takes: one table (`activity_time`), one set of defaults.

Pages say "about 15 minutes an application" from here, and the involvement record (issue #18)
counts what residents do in the app at the same minutes per kind. A kind staff have not set
takes its default below. An area that keeps figures made from these minutes (the involvement
record's entries still at the usual time) registers with `on_change` to follow a new time.
"""

from collections.abc import Callable
from dataclasses import dataclass

from panel.audit import record
from panel.extensions import db
from panel.models import ActivityTime, User
from panel.models.types import utcnow

MAX_MINUTES = 1440


@dataclass(frozen=True)
class Kind:
    """A kind of task: what it is called, what it is counted per ("an application"), the
    minutes it takes until staff set their own, and whether the welcome page lists it (small
    tasks that only the involvement record counts are left off)."""

    key: str
    label: str
    per: str
    default: int
    on_welcome: bool = True


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind("read_welcome", "Reading the welcome and the code of conduct", "", 10),
        Kind("post_idea", "Posting an idea for the fund", "an idea", 5),
        Kind("support_idea", "Supporting an idea", "an idea", 2, on_welcome=False),
        Kind("comment_on_idea", "Commenting on an idea", "a comment", 5, on_welcome=False),
        Kind("propose_criterion", "Proposing a criterion", "a criterion", 10),
        Kind("write_descriptors", "Writing what each score of a criterion looks like", "", 15),
        Kind("support_criterion", "Supporting a criterion", "a criterion", 2, on_welcome=False),
        Kind("comment_on_criterion", "Commenting on a criterion", "a comment", 5, on_welcome=False),
        Kind("share_weights", "Sharing out the weights", "", 10),
        Kind("score_application", "Scoring an application", "an application", 15),
        Kind("panel_meeting", "The panel meeting", "", 120),
    )
}

# Called with (the kinds whose minutes changed and their new minutes, the member of staff) in
# the transaction that changes them, after its audit row.
ChangeListener = Callable[[dict[str, int], User], None]
_listeners: list[ChangeListener] = []


def on_change(listener: ChangeListener) -> ChangeListener:
    """Call `listener(changed, actor)` whenever staff change the minutes of any kind (once,
    however often it is registered)."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


class TimesError(ValueError):
    """Minutes that cannot be saved; `problems` lists (kind, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems[0][1])
        self.problems = problems


def all_minutes() -> dict[str, int]:
    """The minutes of every kind of task: staff's where set, the defaults elsewhere (one query)."""
    stored = {
        kind: minutes
        for kind, minutes in db.session.execute(
            db.select(ActivityTime.kind, ActivityTime.minutes)
        ).all()
    }
    return {key: stored.get(key, kind.default) for key, kind in KINDS.items()}


def minutes_for(kind: str) -> int:
    """About how many minutes one task of this kind takes (KeyError for an unknown kind)."""
    default = KINDS[kind].default
    stored = db.session.get(ActivityTime, kind)
    return stored.minutes if stored is not None else default


def duration_words(minutes: int) -> str:
    """Minutes in words: "1 minute", "45 minutes", "1 hour", "1 hour 30 minutes", "2 hours"."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour" + ("" if hours == 1 else "s"))
    if rest or not hours:
        parts.append(f"{rest} minute" + ("" if rest == 1 else "s"))
    return " ".join(parts)


def about(kind: str, minutes: int) -> str:
    """How a page says it: "about 15 minutes an application", "about 2 hours"."""
    per = KINDS[kind].per
    return f"about {duration_words(minutes)}" + (f" {per}" if per else "")


def set_minutes(*, minutes: dict[str, int | None], actor: User) -> bool:
    """Staff set the minutes of each kind (whole minutes, 1 to 1440). Returns False when nothing
    changed. Unknown kinds and minutes out of range are refused, naming the kind."""
    problems = []
    for key, value in minutes.items():
        if key not in KINDS:
            problems.append((key, "That is not a kind of task"))
        elif value is None:
            problems.append((key, f"Enter the minutes for {KINDS[key].label.lower()}"))
        elif not 1 <= value <= MAX_MINUTES:
            problems.append((key, "Enter a number of minutes from 1 to 1,440 (a whole day)"))
    if problems:
        raise TimesError(problems)
    before = all_minutes()
    changed = {k: v for k, v in minutes.items() if v is not None and before[k] != v}
    for key, value in changed.items():
        row = db.session.get(ActivityTime, key)
        if row is None:
            db.session.add(
                ActivityTime(kind=key, minutes=value, updated_by_id=actor.id, updated_at=utcnow())
            )
        else:
            row.minutes = value
            row.updated_by_id = actor.id
            row.updated_at = utcnow()
    if not changed:
        return False
    db.session.flush()
    record(
        actor=actor,
        action="fund.times_changed",
        object_type="fund",
        before={k: before[k] for k in changed},
        after=changed,
    )
    for listener in _listeners:
        listener(changed, actor)
    return True
