"""Results in plain words, the printable meeting pack, and paper sheets that carry the text."""

import re
from typing import Any

from flask.testing import FlaskClient

import criteria
from panel.extensions import db
from panel.models import Review, Score, User
from panel.results import pack, services, words
from tests.conftest import AuthActions
from tests.factories import gen_conflict


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_each_application_is_placed_against_the_funding_line_and_the_panels_agreement(
    client: FlaskClient, staff: User, worked: dict[str, Any]
) -> None:
    found = services.compute(worked["round"])
    allocation = criteria.allocate(found.result, budget=worked["round"].budget_pence)
    said = {s.reference: s for s in words.standings(found, allocation, quorum=3)}
    assert [s for s in said] == ["F", "A", "E", "C", "B", "D"]  # rank order
    assert {r for r, s in said.items() if s.funded} == {"F", "A", "B"}
    assert {r for r, s in said.items() if s.agreement == words.SPLIT} == {"C", "D"}
    assert said["E"].funding.startswith("Below the funding line")
    assert "scores spread widely" in said["C"].sentence and "SD" not in said["C"].sentence
    assert words.round_sentence(found) == (
        "The panel partly agrees on this round's 6 applications: 2 applications were split."
    )
    # Too few scores: "needs more scores" before any agreement is read.
    worked["round"].quorum = 5
    db.session.commit()
    found = services.compute(worked["round"])
    kinds = {s.reference: s.agreement for s in words.standings(found, None, quorum=5)}
    assert kinds["E"] == words.AGREED and kinds["A"] == words.NEEDS_SCORES
    assert "3 applications need more scores" in words.round_sentence(found)


def test_the_results_page_leads_with_words_and_keeps_every_figure_behind_show_the_figures(
    client: FlaskClient, staff: User, worked: dict[str, Any]
) -> None:
    AuthActions(client).login(staff)
    page = client.get(f"/rounds/{worked['round'].id}/results").get_data(as_text=True)
    figures = page.index("Show the figures")
    assert page.index("partly agrees") < page.index("Where each application stands") < figures
    before = _text(page[:figures])
    assert "Krippendorff" not in before and "Median" not in before
    assert before.count("Above the funding line") == 3 and before.count("Split") >= 2
    # The chart: project names on the bars with the reference beside, and a table alternative.
    assert re.search(r'bar-chart__label">Project F <span class="bar-chart__reference">F<', page)
    assert "The chart as a table" in page and "viewBox" not in page
    after = page[figures:]
    assert "Krippendorff" in after and "0.41" in after
    # Every cell of the figures table says its column, so a phone shows it as a labelled card.
    cells = re.findall(r"<td class=\"table__cell[^\"]*\"( data-label=\"[^\"]+\")?", after)
    assert cells and all(cells), "a cell without data-label"
    assert re.search(r'data-label="Mean">\d\.\d\d<', after)


def test_a_panellist_with_a_conflict_reads_words_without_a_funding_line(
    client: FlaskClient, worked: dict[str, Any]
) -> None:
    AuthActions(client).login(worked["panel"][3])  # recused on A
    page = _text(client.get(f"/rounds/{worked['round'].id}/results").get_data(as_text=True))
    assert "funding line is not shown to you" in page
    assert "Above the funding line" not in page and "Below the funding line" not in page
    assert "Project A" not in page


def _comment_everything(worked: dict[str, Any]) -> None:
    """Every review gets an overall comment and a comment on each criterion."""
    for review in db.session.execute(db.select(Review)).scalars():
        review.overall_comment = f"Overall words {review.id}."
        for score in review.scores:
            score.comment = f"Criterion words {score.id}."
    db.session.commit()


def test_the_meeting_pack_names_no_panellist(
    client: FlaskClient, staff: User, worked: dict[str, Any]
) -> None:
    """Item 61: the pack shows scores and comments under letters given per application, in
    order of score; no panellist's name, email or id is anywhere in it."""
    _comment_everything(worked)
    AuthActions(client).login(staff)
    response = client.get(f"/rounds/{worked['round'].id}/meeting/pack")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for person in worked["panel"]:
        assert person.display_name not in page
        assert person.email not in page
    # Every counted comment is there, under a letter.
    counted = len(services.compute(worked["round"]).counted)
    assert page.count("Overall words ") == counted and page.count("Criterion words ") == 2 * counted
    assert re.search(r"<strong>Panellist [A-E]:</strong> <em>Community benefit:</em>", page)
    # Scores under letters, lowest sheet score first: C's sheets 1.00, 3.50, 4.00, 4.50.
    c_page = page[page.index("1. C: Project C") : page.index("2. D: Project D")]
    totals = re.findall(r'data-label="Panellist ([A-E])">(\d\.\d\d)<', c_page)
    assert totals == [("A", "1.00"), ("B", "3.50"), ("C", "4.00"), ("D", "4.50")]
    assert "base.html" not in page and 'class="header__nav"' not in page  # no menu to print


def test_the_meeting_pack_leaves_out_what_a_conflict_set_aside_and_is_for_staff_only(
    client: FlaskClient, staff: User, worked: dict[str, Any]
) -> None:
    """Item 62: a review set aside by a standing conflict gives the pack no score column and
    no comment; panellists and the public cannot open the pack."""
    review = db.session.execute(
        db.select(Review).where(
            Review.application_id == worked["apps"]["E"].id,
            Review.panellist_id == worked["panel"][0].id,
        )
    ).scalar_one()
    review.overall_comment = "SET-ASIDE-WORDS"
    db.session.execute(
        db.update(Score).where(Score.review_id == review.id).values(comment="SET-ASIDE-NOTE")
    )
    db.session.commit()
    gen_conflict(worked["apps"]["E"], worked["panel"][0], kind="other", note="late")
    AuthActions(client).login(staff)
    page = client.get(f"/rounds/{worked['round'].id}/meeting/pack").get_data(as_text=True)
    assert "SET-ASIDE" not in page
    e_page = page[page.index(f'id="pack-{worked["apps"]["E"].id}"') :]
    e_page = e_page[: e_page.index("</section>")]
    assert len(set(re.findall(r'data-label="Panellist ([A-Z])"', e_page))) == 4  # 5 less 1
    client.post("/logout")
    AuthActions(client).login(worked["panel"][1])
    assert client.get(f"/rounds/{worked['round'].id}/meeting/pack").status_code == 404


def test_the_pack_agenda_puts_the_widest_disagreement_first(
    client: FlaskClient, staff: User, worked: dict[str, Any]
) -> None:
    found = services.compute(worked["round"])
    order = [r.reference for r in pack.agenda_order(found)]
    assert order[:2] == ["C", "D"]  # the split ones, widest SD first
    sds = [found.result.result_for(r).sd or 0 for r in order[2:]]
    assert sds == sorted(sds, reverse=True)
    AuthActions(client).login(staff)
    page = _text(client.get(f"/rounds/{worked['round'].id}/meeting/pack").get_data(as_text=True))
    assert "Panel meeting pack: " in page and "Budget £11,000" in page
    assert page.index("1. C: Project C") < page.index("2. D: Project D")


def test_a_paper_scoring_sheet_carries_each_applications_text(
    client: FlaskClient, staff: User, worked: dict[str, Any]
) -> None:
    app = worked["apps"]["B"]
    app.summary = "We run a homework club on Tuesdays in the community room."
    app.spend_on = "Books and snacks."
    db.session.commit()
    AuthActions(client).login(staff)
    page = client.get(
        f"/rounds/{worked['round'].id}/scoring/sheet/{worked['panel'][1].id}"
    ).get_data(as_text=True)
    assert "We run a homework club on Tuesdays in the community room." in page
    assert "Books and snacks." in page
