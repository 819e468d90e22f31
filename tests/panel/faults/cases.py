"""The forms whose typing a fault must never lose (#13 item 16), each in a world of its own.

Each case says who fills the form in, where it is, what they type, which button they press, and
how to read back what the database holds for that form, so a test can check that nothing was
saved during the fault and that the kept form, sent again, saves exactly what was typed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from panel.extensions import db
from panel.models import (
    Application,
    Criterion,
    CriterionComment,
    Decision,
    MeetingNote,
    Review,
    Stage,
    User,
)
from panel.models.types import uk_today
from tests.factories import gen_criterion, gen_round, gen_user
from tests.worlds import gen_scoring_world, gen_worked_round

# What people type: several lines, characters that need escaping, and curly quotes.
COMMENT = "Strong local support,\nbut the costs for the hall are vague & <unclear>."
OVERALL = "I would fund it “if” the hall is booked — ask them first."


@dataclass
class Case:
    name: str
    user: User | None  # None: the public form, nobody signed in
    page: str  # where the form is
    typed: dict[str, str]  # what the person typed, by field name
    button: tuple[str, str] | None  # the button they press, if it sends a value
    stored: Callable[[], list[str]]  # what the database holds for what this form saves
    keeps: list[str]  # what must be stored once the form is sent again and saved

    @property
    def field(self) -> str:
        """A field that picks this form out among the page's forms."""
        return next(iter(self.typed))


def _texts(model: type, *columns: str) -> Callable[[], list[str]]:
    def read() -> list[str]:
        db.session.expire_all()
        rows = db.session.execute(db.select(model)).scalars().all()
        return [str(getattr(row, c)) for row in rows for c in columns]

    return read


def _review_texts() -> list[str]:
    db.session.expire_all()
    out = []
    for review in db.session.execute(db.select(Review)).scalars():
        out.append(review.overall_comment)
        out.extend(f"{s.rubric_criterion_id}={s.value}" for s in review.scores)
        out.extend(s.comment for s in review.scores if s.comment)
    return out


def _scoring(staff: User, *, for_panellist: bool) -> Case:
    world = gen_scoring_world(staff)
    c1, c2, c3 = world.criteria
    pat = world.panellists[0]
    page = f"/rounds/{world.round.id}/scoring/{world.applications[0].id}"
    typed = {
        f"comment_{c1.id}": COMMENT,
        f"score_{c1.id}": "4",
        f"score_{c2.id}": "2",
        f"score_{c3.id}": "5",
        "overall_comment": OVERALL,
    }
    return Case(
        name="enter_for" if for_panellist else "score",
        user=staff if for_panellist else pat,
        page=f"{page}/for/{pat.id}" if for_panellist else page,
        typed=typed,
        button=("action", "submit"),
        stored=_review_texts,
        keeps=[COMMENT.replace("\n", "\r\n"), OVERALL, f"{c1.id}=4", f"{c2.id}=2", f"{c3.id}=5"],
    )


def score(staff: User) -> Case:
    """A panellist's own scoring form."""
    return _scoring(staff, for_panellist=False)


def enter_for(staff: User) -> Case:
    """Staff typing in a panellist's paper scores."""
    return _scoring(staff, for_panellist=True)


def apply(staff: User) -> Case:
    """The public application form."""
    today = uk_today()
    round_ = gen_round(
        created_by=staff,
        slug="spring",
        stage=Stage.APPLICATIONS,
        applications_open_on=today - timedelta(days=3),
        applications_close_on=today + timedelta(days=10),
    )
    summary = "A hot lunch every Wednesday\nfor older neighbours who live alone & <others>."
    typed = {
        "summary": summary,
        "organisation_name": "Northfield Lunch Club",
        "organisation_type": "community_group",
        "contact_name": "June Hart",
        "contact_email": "june.hart@example.org",
        "contact_phone": "01632 960 001",
        "postcode": "LS6 2AB",
        "project_title": "Weekly lunch club for older residents",
        "spend_on": "Hall hire and food.",
        "amount": "£1,250.50",
        "beneficiaries": "35",
        "location": "Northfield",
    }
    return Case(
        name="apply",
        user=None,
        page=f"/apply/{round_.slug}",
        typed=typed,
        button=None,
        stored=_texts(Application, "project_title", "summary", "contact_name"),
        keeps=[summary.replace("\n", "\r\n"), "June Hart", "Weekly lunch club for older residents"],
    )


def _codesign_round(staff: User) -> tuple[User, int, Criterion]:
    rita = gen_user(name="Rita Resident")
    round_ = gen_round(created_by=staff, members=(rita,))
    criterion = gen_criterion(round_, staff, "Led by local people")
    return rita, round_.id, criterion


def comment(staff: User) -> Case:
    """A comment on a criterion in co-design."""
    rita, round_id, criterion = _codesign_round(staff)
    body = "Who counts as local?\nPeople who work here, or only people who live here?"
    return Case(
        name="comment",
        user=rita,
        page=f"/rounds/{round_id}/criteria/{criterion.id}",
        typed={"body": body},
        button=None,
        stored=_texts(CriterionComment, "body"),
        keeps=[body.replace("\n", "\r\n")],
    )


def propose(staff: User) -> Case:
    """A criterion proposed in co-design."""
    rita, round_id, _ = _codesign_round(staff)
    typed = {
        "description": "The group asks the people it serves\nwhat they need & <why>.",
        "title": "Listens to the people it serves",
        "why": "Projects that listen are used.",
        "kind": "scored",
    }
    typed.update({f"level_{n}": f"What a {n} looks like: they ask {n} times" for n in range(6)})
    return Case(
        name="propose",
        user=rita,
        page=f"/rounds/{round_id}/criteria/new",
        typed=typed,
        button=None,
        stored=lambda: [
            t for t in _texts(Criterion, "title", "description")() if "Led by" not in t
        ],
        keeps=["Listens to the people it serves", typed["description"].replace("\n", "\r\n")],
    )


def decision(staff: User) -> Case:
    """Staff recording the panel's decision on an application."""
    worked = gen_worked_round(staff)
    reason = "The panel funds the hall hire;\nthe food is paid for by the church & <others>."
    return Case(
        name="decision",
        user=staff,
        page=f"/rounds/{worked['round'].id}/decisions/{worked['apps']['A'].id}",
        typed={"reason": reason, "outcome": "part", "amount": "£1,234.50"},
        button=None,
        stored=_texts(Decision, "reason", "amount_awarded_pence"),
        keeps=[reason.replace("\n", "\r\n"), "123450"],
    )


def note(staff: User) -> Case:
    """Staff's meeting notes on an application."""
    worked = gen_worked_round(staff)
    body = "P5 explained their low score:\nthe group has no insurance yet & <said so>."
    return Case(
        name="note",
        user=staff,
        page=f"/rounds/{worked['round'].id}/meeting/{worked['apps']['C'].id}/note",
        typed={"body": body},
        button=None,
        stored=_texts(MeetingNote, "body"),
        keeps=[body.replace("\n", "\r\n")],
    )


CASES: dict[str, Callable[[User], Case]] = {
    "score": score,
    "enter_for": enter_for,
    "apply": apply,
    "comment": comment,
    "propose": propose,
    "decision": decision,
    "note": note,
}
