"""Writes of the ideas area: posting, supporting and commenting on ideas; staff's answers; the
ideas a round responds to.

Policy in one place:
- Ideas are open between rounds: anyone signed in posts, supports and comments at any time.
- "Why it matters" and comments may be shared with staff only (`panel.notes` decides who reads).
- Staff answer every idea: under consideration, or not now with a reason everyone sees. An idea
  is "taken into a round" exactly while a round responds to it: choosing it for a round takes
  it in; when no round responds to it any more, it is under consideration again.
"""

from dataclasses import dataclass

from panel.audit import record
from panel.extensions import db
from panel.models import (
    FundingRound,
    Idea,
    IdeaComment,
    IdeaStatus,
    IdeaSupport,
    RoundIdea,
    User,
)
from panel.models.types import utcnow


class IdeaError(ValueError):
    """A refusal with a message fit to show; `field` names the form field, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Invalid(IdeaError):
    """Bad input; `problems` lists (field, message) pairs for the form."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems[0][1], problems[0][0])
        self.problems = problems


@dataclass(frozen=True)
class IdeaText:
    """What a person writes when they post an idea."""

    title: str
    why: str
    where: str = ""
    why_private: bool = False


def _check(text: IdeaText) -> IdeaText:
    problems = []
    title, why, where = text.title.strip(), text.why.strip(), text.where.strip()
    if not title:
        problems.append(("title", "Enter the title of your idea"))
    elif len(title) > 120:
        problems.append(("title", "Keep the title to 120 characters or fewer"))
    if not why:
        problems.append(("why", "Enter why it matters"))
    elif len(why) > 5000:
        problems.append(("why", "Keep this under 5,000 characters"))
    if len(where) > 200:
        problems.append(("where", "Keep where to 200 characters or fewer"))
    if problems:
        raise Invalid(problems)
    return IdeaText(title=title, why=why, where=where, why_private=bool(text.why_private))


def post(*, text: IdeaText, actor: User) -> Idea:
    """Anyone signed in posts an idea for the fund, at any time; it waits for a staff answer."""
    clean = _check(text)
    idea = Idea(
        title=clean.title,
        why=clean.why,
        why_private=clean.why_private,
        where=clean.where,
        author_id=actor.id,
        status=IdeaStatus.NEW,
    )
    db.session.add(idea)
    db.session.flush()
    record(
        actor=actor,
        action="idea.created",
        object_type="idea",
        object_id=idea.id,
        after={
            "title": idea.title,
            "why": idea.why,
            "why_private": idea.why_private,
            "where": idea.where,
        },
    )
    return idea


# ------------------------------------------------------------------ support and comments


def _support_row(idea: Idea, user: User) -> IdeaSupport | None:
    return db.session.execute(
        db.select(IdeaSupport).where(IdeaSupport.idea_id == idea.id, IdeaSupport.user_id == user.id)
    ).scalar_one_or_none()


def supports(idea: Idea, user: User) -> bool:
    """True if the person supports the idea now."""
    row = _support_row(idea, user)
    return row is not None and row.withdrawn_at is None


def support(*, idea: Idea, actor: User) -> None:
    """Support an idea once (again after withdrawing); a second support is refused."""
    row = _support_row(idea, actor)
    if row is not None and row.withdrawn_at is None:
        raise IdeaError("You already support this idea.")
    if row is None:
        db.session.add(IdeaSupport(idea_id=idea.id, user_id=actor.id))
    else:
        row.withdrawn_at = None
        row.created_at = utcnow()
    db.session.flush()
    record(
        actor=actor,
        action="idea.supported",
        object_type="idea",
        object_id=idea.id,
        after={"supported": True},
    )


def withdraw_support(*, idea: Idea, actor: User) -> None:
    """Withdraw one's support; the row stays with the time it was withdrawn."""
    row = _support_row(idea, actor)
    if row is None or row.withdrawn_at is not None:
        raise IdeaError("You do not support this idea at the moment.")
    row.withdrawn_at = utcnow()
    record(
        actor=actor,
        action="idea.support_withdrawn",
        object_type="idea",
        object_id=idea.id,
        before={"supported": True},
        after={"supported": False},
    )


def add_comment(*, idea: Idea, body: str, private: bool, actor: User) -> IdeaComment:
    """Anyone signed in comments on an idea, for everyone or for staff only."""
    text = body.strip()
    if not text:
        raise Invalid([("body", "Enter your comment")])
    if len(text) > 5000:
        raise Invalid([("body", "Keep your comment under 5,000 characters")])
    comment = IdeaComment(idea_id=idea.id, author_id=actor.id, body=text, private=bool(private))
    db.session.add(comment)
    db.session.flush()
    record(
        actor=actor,
        action="idea.commented",
        object_type="idea_comment",
        object_id=comment.id,
        after={"idea_id": idea.id, "body": text, "private": comment.private},
    )
    return comment


# ------------------------------------------------------------------ staff's answers


ANSWERS = (IdeaStatus.CONSIDERING, IdeaStatus.NOT_NOW)


def _set_status(
    idea: Idea, status: IdeaStatus, reason: str | None, actor: User, round_id: int | None = None
) -> None:
    before = {"status": idea.status, "reason": idea.status_reason}
    if before == {"status": str(status), "reason": reason}:
        return
    idea.status = status
    idea.status_reason = reason
    idea.answered_at = utcnow()
    idea.answered_by_id = actor.id
    record(
        actor=actor,
        action="idea.status_changed",
        object_type="idea",
        object_id=idea.id,
        round_id=round_id,
        before=before,
        after={"status": str(status), "reason": reason},
    )


def answer(*, idea: Idea, status: str, reason: str, actor: User) -> None:
    """Staff answer an idea: under consideration (a note optional) or not now (with a reason
    everyone sees). "Taken into a round" comes from choosing it for a round."""
    if not actor.is_staff:
        raise IdeaError("Only staff can answer an idea.")
    try:
        chosen = IdeaStatus(status)
    except ValueError:
        chosen = None
    if chosen not in ANSWERS:
        raise Invalid([("status", "Choose an answer")])
    text = reason.strip()
    if chosen is IdeaStatus.NOT_NOW and not text:
        raise Invalid([("reason", "Enter why not now: everyone who reads the idea sees this")])
    if len(text) > 2000:
        raise Invalid([("reason", "Keep the reason under 2,000 characters")])
    taken_by = rounds_of([idea.id]).get(idea.id, [])
    if taken_by:
        names = ", ".join(r.name for r in taken_by)
        raise IdeaError(
            f"This idea is taken into {names}. To answer it differently, take it out of that "
            "round's settings first.",
            "status",
        )
    assert chosen is not None
    _set_status(idea, chosen, text or None, actor)


# ------------------------------------------------------------------ the ideas a round responds to


def rounds_of(idea_ids: list[int]) -> dict[int, list[FundingRound]]:
    """The rounds that respond to each idea, oldest first."""
    rows = db.session.execute(
        db.select(RoundIdea.idea_id, FundingRound)
        .join(FundingRound, RoundIdea.round_id == FundingRound.id)
        .where(RoundIdea.idea_id.in_(idea_ids), RoundIdea.removed_at.is_(None))
        .order_by(FundingRound.created_at, FundingRound.id)
    ).all()
    out: dict[int, list[FundingRound]] = {}
    for idea_id, round_ in rows:
        out.setdefault(idea_id, []).append(round_)
    return out


def idea_ids_of(round_: FundingRound) -> list[int]:
    """The ids of the ideas the round responds to, in the order they were chosen."""
    return list(
        db.session.execute(
            db.select(RoundIdea.idea_id)
            .where(RoundIdea.round_id == round_.id, RoundIdea.removed_at.is_(None))
            .order_by(RoundIdea.id)
        ).scalars()
    )


def set_round_ideas(*, round_: FundingRound, idea_ids: list[int], actor: User) -> bool:
    """Staff choose the ideas a round responds to. A newly chosen idea is taken into a round; an
    idea no round responds to any more is under consideration again. Returns False when the
    choice is unchanged."""
    if not actor.is_staff:
        raise IdeaError("Only staff can choose the ideas a round responds to.")
    wanted = list(dict.fromkeys(idea_ids))
    found = {
        i.id: i for i in db.session.execute(db.select(Idea).where(Idea.id.in_(wanted))).scalars()
    }
    if len(found) != len(wanted):
        raise Invalid([("ideas", "One of the ideas you chose no longer exists")])
    before = idea_ids_of(round_)
    added = [i for i in wanted if i not in before]
    dropped = [i for i in before if i not in wanted]
    if not added and not dropped:
        return False
    rows = {
        r.idea_id: r
        for r in db.session.execute(
            db.select(RoundIdea).where(
                RoundIdea.round_id == round_.id, RoundIdea.idea_id.in_(added + dropped)
            )
        ).scalars()
    }
    for idea_id in dropped:
        rows[idea_id].removed_at = utcnow()
    for idea_id in added:
        row = rows.get(idea_id)
        if row is None:
            db.session.add(RoundIdea(round_id=round_.id, idea_id=idea_id, added_by_id=actor.id))
        else:  # chosen again after being taken out
            row.removed_at = None
            row.added_at = utcnow()
            row.added_by_id = actor.id
    db.session.flush()
    record(
        actor=actor,
        action="round.ideas_chosen",
        object_type="round",
        object_id=round_.id,
        round_id=round_.id,
        before={"ideas": before},
        after={"ideas": wanted},
    )
    for idea_id in added:
        _set_status(found[idea_id], IdeaStatus.TAKEN, None, actor, round_.id)
    still_taken = rounds_of(dropped)
    for idea_id in dropped:
        idea = db.session.get(Idea, idea_id)
        if idea is not None and idea.status == IdeaStatus.TAKEN and not still_taken.get(idea_id):
            _set_status(idea, IdeaStatus.CONSIDERING, None, actor, round_.id)
    return True
