"""A save refused because something closed while the form was open (the scoring deadline
passed, staff closed scoring, applications or the criteria discussion closed): the answer says
nothing was saved and shows what was typed, read-only, to copy or hand to staff (#13 item 16)."""

from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient

from panel.extensions import db
from panel.models import Conflict, FundingRound, Stage, User
from panel.models.types import uk_today
from tests.panel.faults.cases import CASES, COMMENT, OVERALL, Case
from tests.panel.faults.conftest import open_form
from tests.panel.faults.pages import PageForm, post, read_only_answers
from tests.security.helpers import sign_in
from tests.worlds import gen_scoring_world


def the_round() -> FundingRound:
    db.session.expire_all()
    return db.session.execute(db.select(FundingRound)).scalar_one()


def send_after(client: FlaskClient, case: Case, form: PageForm, change: dict[str, object]) -> str:
    """Send the open form after staff changed the round (`change`); check the refusal."""
    round_ = the_round()
    for key, value in change.items():
        setattr(round_, key, value)
    db.session.commit()
    response = post(client, case.page, form, case.button)
    assert response.status_code == 409, response.status_code
    page = response.get_data(as_text=True)
    assert "Nothing was saved" in page
    assert case.stored() == []
    return page


def test_the_scoring_deadline_passing_while_scoring_keeps_the_scores_and_comments(
    client: FlaskClient, staff: User
) -> None:
    """Item 44: the deadline passes while a panellist scores: "Submit" answers 409 saying
    nothing was saved, and the page still holds their scores and comments, read-only."""
    case = CASES["score"](staff)
    form = open_form(client, case)
    page = send_after(
        client, case, form, {"scoring_deadline": datetime.now(UTC) - timedelta(minutes=1)}
    )
    assert "The scoring deadline has passed" in page
    answers = read_only_answers(page)
    assert answers["Comment on Community benefit (optional)"] == COMMENT
    assert answers["Overall comment (optional)"] == OVERALL
    assert [answers[t] for t in ("Community benefit", "Value for money", "Local involvement")] == [
        "4",
        "2",
        "5",
    ]
    assert 'name="action"' not in page  # nothing left to press: it cannot be saved here


def test_staff_closing_scoring_while_paper_scores_are_typed_in_keeps_them(
    client: FlaskClient, staff: User
) -> None:
    """Item 44: another member of staff closes scoring while paper scores are typed in."""
    case = CASES["enter_for"](staff)
    form = open_form(client, case)
    page = send_after(client, case, form, {"stage": Stage.PANEL})
    assert "Scoring is closed" in page
    answers = read_only_answers(page)
    assert answers["Comment on Community benefit (optional)"] == COMMENT
    assert answers["Overall comment (optional)"] == OVERALL


def test_applications_closing_while_the_public_form_is_filled_in_keeps_the_answers(
    client: FlaskClient, staff: User
) -> None:
    """Item 44: the round stops taking applications while someone fills in the public form."""
    case = CASES["apply"](staff)
    form = open_form(client, case)
    page = send_after(client, case, form, {"applications_close_on": uk_today() - timedelta(days=1)})
    assert "This round is closed" in page
    answers = read_only_answers(page)
    assert answers["Tell us about the project"] == case.typed["summary"]
    assert answers["Full name"] == "June Hart"
    assert answers["How much are you asking for?"] == "£1,250.50"


def test_the_criteria_discussion_closing_while_a_criterion_is_proposed_keeps_it(
    client: FlaskClient, staff: User
) -> None:
    """Item 44: co-design moves on while a resident writes a proposal."""
    case = CASES["propose"](staff)
    form = open_form(client, case)
    page = send_after(client, case, form, {"stage": Stage.APPLICATIONS})
    answers = read_only_answers(page)
    assert answers["Title"] == "Listens to the people it serves"
    assert answers["What it means"] == case.typed["description"]


def test_declarations_closing_while_a_conflict_is_declared_keep_the_note(
    client: FlaskClient, staff: User
) -> None:
    """Item 44: the round is decided while a panellist writes a conflict of interest."""
    world = gen_scoring_world(staff)
    pat = world.panellists[0]
    url = f"/rounds/{world.round.id}/scoring/{world.applications[0].id}/conflict"
    note = "I volunteer at their Saturday club\nand my sister runs it."
    case = Case(
        name="conflict",
        user=pat,
        page=url,
        typed={"note": note, "kind": "member"},
        button=None,
        stored=lambda: [str(c.id) for c in db.session.execute(db.select(Conflict)).scalars()],
        keeps=[],
    )
    assert sign_in(client, pat).status_code == 302
    form = open_form(client, Case(**{**case.__dict__, "user": None}))
    page = send_after(client, case, form, {"stage": Stage.DECIDED})
    assert read_only_answers(page)["Tell us a little more (optional)"] == note
