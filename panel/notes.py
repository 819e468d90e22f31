"""Safe spaces, in one place: who reads a note shared with staff only, what everyone else sees of
a comment, and reporting and hiding comments (a criterion's or an idea's).

- A private note ("why it matters", or a comment, shared with staff only) is read by its author
  and by staff. Everyone else sees that it exists, never its words or its author.
- Anyone who can see a comment may report it (not their own). Staff hide a comment with a reason:
  its words leave the comment row and stay only in the audit log; its author sees the reason.
  Staff may instead keep it, which closes the reports.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import cast

from sqlalchemy import func

from panel.audit import record
from panel.extensions import db
from panel.models import (
    CommentReport,
    Criterion,
    CriterionComment,
    Idea,
    IdeaComment,
    User,
)
from panel.models.types import utcnow

Comment = CriterionComment | IdeaComment

PRIVATE_NOTE = "A note shared with staff only."
HIDDEN_NOTE = "This comment was hidden by staff."


class NoteError(ValueError):
    """A refusal with a message fit to show; `field` names the form field, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def may_read(*, author_id: int | None, private: bool, viewer: User | None) -> bool:
    """A note shared with staff only is read by its author and staff; any other by everyone."""
    if not private:
        return True
    if viewer is None or not viewer.is_authenticated:
        return False
    return bool(viewer.is_staff or viewer.id == author_id)


# ------------------------------------------------------------------ what a viewer sees


@dataclass(frozen=True)
class Shown:
    """A comment as one person may see it: its words only when they may read them."""

    comment: Comment
    text: str | None  # None: a private note of someone else's, or a hidden comment
    author: str | None  # None when the viewer may not know who wrote it
    private: bool
    hidden: bool
    hidden_reason: str | None  # for the author and staff only
    mine: bool
    may_report: bool
    reported_by_me: bool
    open_reports: int  # for staff only (0 for everyone else)


def _column(comment: Comment) -> str:
    return "criterion_comment_id" if isinstance(comment, CriterionComment) else "idea_comment_id"


def _object_type(comment: Comment) -> str:
    return "criterion_comment" if isinstance(comment, CriterionComment) else "idea_comment"


def shown_comments(comments: list[Comment], viewer: User) -> list[Shown]:
    """Each comment as `viewer` may see it, with their reports, in two queries."""
    if not comments:
        return []
    column = getattr(CommentReport, _column(comments[0]))
    ids = [c.id for c in comments]
    mine = set(
        db.session.execute(
            db.select(column).where(column.in_(ids), CommentReport.reported_by_id == viewer.id)
        ).scalars()
    )
    counts: dict[int, int] = {}
    if viewer.is_staff:
        rows = db.session.execute(
            db.select(column, func.count())
            .where(column.in_(ids), CommentReport.resolved_at.is_(None))
            .group_by(column)
        ).all()
        counts = {comment_id: n for comment_id, n in rows}
    out = []
    for c in comments:
        own = c.author_id == viewer.id
        hidden = c.hidden_at is not None
        readable = not hidden and may_read(author_id=c.author_id, private=c.private, viewer=viewer)
        out.append(
            Shown(
                comment=c,
                text=c.body if readable else None,
                author=c.author.display_name if (readable or own or viewer.is_staff) else None,
                private=c.private,
                hidden=hidden,
                hidden_reason=c.hidden_reason if (own or viewer.is_staff) else None,
                mine=own,
                may_report=readable and not own and not viewer.is_staff,
                reported_by_me=c.id in mine,
                open_reports=counts.get(c.id, 0),
            )
        )
    return out


# ------------------------------------------------------------------ reporting and hiding


def report(*, comment: Comment, actor: User, round_id: int | None = None) -> CommentReport:
    """Someone who can read a comment asks staff to look at it (once; never their own)."""
    if comment.author_id == actor.id:
        raise NoteError("You cannot report your own comment.")
    if comment.hidden_at is not None:
        raise NoteError("Staff have already hidden this comment.")
    if not may_read(author_id=comment.author_id, private=comment.private, viewer=actor):
        raise NoteError("You cannot report a note you cannot read.")
    column = _column(comment)
    existing = db.session.execute(
        db.select(CommentReport).where(
            getattr(CommentReport, column) == comment.id,
            CommentReport.reported_by_id == actor.id,
        )
    ).scalar_one_or_none()
    if existing is not None and existing.resolved_at is None:
        raise NoteError("You have already reported this comment. Staff will look at it.")
    if existing is None:
        existing = CommentReport(reported_by_id=actor.id, **{column: comment.id})
        db.session.add(existing)
    else:
        existing.resolved_at = None
        existing.created_at = utcnow()
    db.session.flush()
    record(
        actor=actor,
        action="comment.reported",
        object_type=_object_type(comment),
        object_id=comment.id,
        round_id=round_id,
        after={"report_id": existing.id},
    )
    return existing


def _resolve_reports(comment: Comment) -> int:
    column = getattr(CommentReport, _column(comment))
    result = db.session.execute(
        db.update(CommentReport)
        .where(column == comment.id, CommentReport.resolved_at.is_(None))
        .values(resolved_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


def hide(*, comment: Comment, reason: str, actor: User, round_id: int | None = None) -> None:
    """Staff hide a comment with a reason its author sees; its words stay in the audit log only."""
    if not actor.is_staff:
        raise NoteError("Only staff can hide a comment.")
    text = reason.strip()
    if not text:
        raise NoteError("Enter why the comment is hidden: its author will see this", "reason")
    if len(text) > 2000:
        raise NoteError("Keep the reason under 2,000 characters", "reason")
    if comment.hidden_at is not None:
        raise NoteError("This comment is already hidden.")
    before = {"body": comment.body, "private": comment.private}
    comment.body = ""
    comment.hidden_at = utcnow()
    comment.hidden_reason = text
    resolved = _resolve_reports(comment)
    record(
        actor=actor,
        action="comment.hidden",
        object_type=_object_type(comment),
        object_id=comment.id,
        round_id=round_id,
        before=before,
        after={"hidden": True, "reason": text, "reports_closed": resolved},
    )


def keep(*, comment: Comment, actor: User, round_id: int | None = None) -> int:
    """Staff looked at a reported comment and keep it: its open reports are closed."""
    if not actor.is_staff:
        raise NoteError("Only staff can close reports.")
    resolved = _resolve_reports(comment)
    if resolved:
        record(
            actor=actor,
            action="comment.kept",
            object_type=_object_type(comment),
            object_id=comment.id,
            round_id=round_id,
            after={"reports_closed": resolved},
        )
    return resolved


# ------------------------------------------------------------------ what staff look at


@dataclass(frozen=True)
class Reported:
    """A comment with open reports, and where it was written (a round's criterion, or an idea)."""

    comment: Comment
    reports: int
    where: str  # the criterion's or the idea's title
    round_id: int | None  # set for a criterion's comment
    parent_id: int  # the criterion's or the idea's id


def open_reports() -> list[Reported]:
    """Every comment that someone reported and staff have not yet hidden or kept, oldest first."""
    out: list[Reported] = []
    for column, model, parent, parent_key in (
        (CommentReport.criterion_comment_id, CriterionComment, Criterion, "criterion_id"),
        (CommentReport.idea_comment_id, IdeaComment, Idea, "idea_id"),
    ):
        counts: dict[int, int] = defaultdict(int)
        for comment_id, n in db.session.execute(
            db.select(column, func.count())
            .where(column.is_not(None), CommentReport.resolved_at.is_(None))
            .group_by(column)
        ).all():
            counts[comment_id] = n
        if not counts:
            continue
        comments = db.session.execute(
            db.select(model).where(model.id.in_(list(counts))).order_by(model.id)
        ).scalars()
        for c in comments:
            owner = cast("Criterion | Idea | None", db.session.get(parent, getattr(c, parent_key)))
            assert owner is not None
            out.append(
                Reported(
                    comment=c,
                    reports=counts[c.id],
                    where=owner.title,
                    round_id=getattr(owner, "round_id", None),
                    parent_id=owner.id,
                )
            )
    return out
