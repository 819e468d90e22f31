"""The printable meeting pack: a cover, the agenda by disagreement, one page per application.

The pack names no panellist (security item 61): on each application's page the scores and
comments stand under letters given there, in order of the sheet score, so a letter on one page
says nothing about a letter on another, and the reviews a standing conflict set aside are not
in it at all (only the counted reviews of the analysis are read).
"""

from dataclasses import dataclass
from string import ascii_uppercase

import criteria
from panel.coproduction.services.meetings import meetings_of
from panel.extensions import db
from panel.models import Application, FundingRound, MeetingNote, PanelMeeting, Review, Score
from panel.results.services import RoundResults, fmt
from panel.results.words import Standing, standings


@dataclass(frozen=True, slots=True)
class Sheet:
    """One anonymous panellist's review on an application's page."""

    letter: str
    scores: tuple[str, ...]  # per scored criterion, in rubric order, formatted
    total: str  # the sheet score, formatted
    comments: tuple[tuple[str, str], ...]  # (criterion title or "Overall", the words)


@dataclass(frozen=True, slots=True)
class PackPage:
    """One application's page: what it asks for, where it stands, the anonymous scores."""

    number: int
    application: Application
    standing: Standing
    result: criteria.ApplicationResult
    sheets: tuple[Sheet, ...]
    criterion_means: tuple[str, ...]
    note: str


@dataclass(frozen=True, slots=True)
class Pack:
    round: FundingRound
    meeting: PanelMeeting | None
    agreement: str
    criteria: tuple[str, ...]  # the scored criteria's titles, in rubric order
    pages: tuple[PackPage, ...]


def agenda_order(found: RoundResults) -> list[criteria.ApplicationResult]:
    """Disagreement first: flagged applications widest SD first, then the rest by SD, widest
    first; applications without a spread (too few scores) last, by reference."""
    flagged = list(criteria.moderation_agenda(found.result))
    rest = [r for r in found.result.applications if not r.flagged]
    rest.sort(key=lambda r: (r.sd is None, -(r.sd or 0.0), r.reference))
    return [r for r in flagged + rest if r.reference in found.applications]


def _letters(n: int) -> list[str]:
    return [
        ascii_uppercase[i] if i < 26 else ascii_uppercase[i // 26 - 1] + ascii_uppercase[i % 26]
        for i in range(n)
    ]


def build(found: RoundResults, allocation: criteria.Allocation | None, agreement: str) -> Pack:
    """Everything the printed pack shows, in three queries whatever the round's size."""
    round_ = found.round
    scored = found.scored
    titles = {c.id: c.title for c in scored}
    order = agenda_order(found)
    ids = [found.row(r.reference).id for r in order]
    apps = {
        a.id: a
        for a in db.session.execute(db.select(Application).where(Application.id.in_(ids))).scalars()
    }
    notes = {
        n.application_id: n.body
        for n in db.session.execute(
            db.select(MeetingNote).where(MeetingNote.round_id == round_.id)
        ).scalars()
    }
    counted = sorted(found.counted)
    comments: dict[int, list[tuple[str, str]]] = {i: [] for i in counted}
    overall: dict[int, str] = {}
    for review_id, criterion_id, words in db.session.execute(
        db.select(Score.review_id, Score.rubric_criterion_id, Score.comment)
        .where(Score.review_id.in_(counted), Score.comment != "")
        .order_by(Score.review_id, Score.id)
    ):
        if criterion_id in titles:
            comments[review_id].append((titles[criterion_id], words))
    for review_id, words in db.session.execute(
        db.select(Review.id, Review.overall_comment).where(
            Review.id.in_(counted), Review.overall_comment != ""
        )
    ):
        overall[review_id] = words
    sheet_scores = found.sheet_scores()
    by_app: dict[int, list[int]] = {}
    for review_id in counted:
        by_app.setdefault(found.reviews[review_id][1], []).append(review_id)
    words = {s.reference: s for s in standings(found, allocation, round_.quorum)}
    pages = []
    for number, result in enumerate(order, start=1):
        row = found.row(result.reference)
        reviews = sorted(by_app.get(row.id, []), key=lambda i: (sheet_scores[i], i))
        sheets = tuple(
            Sheet(
                letter=letter,
                scores=tuple(fmt(v, 0) for v in found.reviews[i][3]),
                total=fmt(sheet_scores[i]),
                comments=tuple(comments[i]) + ((("Overall", overall[i]),) if i in overall else ()),
            )
            for letter, i in zip(_letters(len(reviews)), reviews, strict=True)
        )
        pages.append(
            PackPage(
                number=number,
                application=apps[row.id],
                standing=words[result.reference],
                result=result,
                sheets=sheets,
                criterion_means=tuple(fmt(result.criterion_means.get(c.key)) for c in scored),
                note=notes.get(row.id, ""),
            )
        )
    meetings = meetings_of(round_)
    return Pack(
        round=round_,
        meeting=meetings[0] if meetings else None,
        agreement=agreement,
        criteria=tuple(c.title for c in scored),
        pages=tuple(pages),
    )
