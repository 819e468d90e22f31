"""Results: the worked panel's figures on the page, who may see them, sorting and charts."""

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from panel.extensions import db
from panel.models import Review, User
from panel.results import services
from tests.conftest import AuthActions, CountQueries
from tests.factories import gen_application, gen_conflict


def test_the_worked_panel_gives_scoring_md_figures(app: Flask, worked: dict[str, Any]) -> None:
    found = services.compute(worked["round"])
    means = {r.reference: round(r.mean, 4) for r in found.result.applications}
    assert means == {"A": 4.0, "B": 2.8, "C": 3.25, "D": 2.1, "E": 3.3, "F": 4.5}
    assert [r.reference for r in found.result.applications] == ["F", "A", "E", "C", "B", "D"]
    assert round(found.result.agreement.alpha, 4) == 0.4077
    flagged = {r.reference for r in found.result.applications if r.flagged}
    assert flagged == {"C", "D"}


def test_staff_see_the_ranked_results_page_with_agreement_in_plain_words(
    client: FlaskClient, staff: User, worked: dict[str, Any]
) -> None:
    AuthActions(client).login(staff)
    page = client.get(f"/rounds/{worked['round'].id}/results").get_data(as_text=True)
    assert "0.41" in page and "mixed" in page
    assert page.index("Group F") < page.index("Group A") < page.index("Group D")
    assert "Panel disagreed" in page
    assert "<svg" in page and "fit within the budget: F, A, B" in page


def test_sorting_by_sd_puts_the_widest_disagreement_first(
    client: FlaskClient, staff: User, worked: dict[str, Any]
) -> None:
    AuthActions(client).login(staff)
    page = client.get(f"/rounds/{worked['round'].id}/results?sort=sd").get_data(as_text=True)
    page = page[page.index('id="figures"') :]  # the table behind "Show the figures"
    assert page.index("Group C") < page.index("Group D") < page.index("Group A")


def test_a_panellist_sees_results_only_after_submitting_all_their_reviews(
    client: FlaskClient, worked: dict[str, Any]
) -> None:
    """Item 5: results stay hidden until all their reviews are submitted."""
    p1 = worked["panel"][0]
    review = (
        db.session.execute(db.select(Review).where(Review.panellist_id == p1.id)).scalars().first()
    )
    assert review is not None
    review.status = "draft"
    db.session.commit()
    AuthActions(client).login(p1)
    page = client.get(f"/rounds/{worked['round'].id}/results").get_data(as_text=True)
    assert "Results are not ready for you yet" in page and "1 application still to do" in page
    assert "Group F" not in page


def test_a_conflicted_panellist_never_sees_that_applications_figures(
    client: FlaskClient, worked: dict[str, Any]
) -> None:
    """Item 4: a conflicted panellist never sees that application's figures."""
    p4 = worked["panel"][3]  # recused on A
    AuthActions(client).login(p4)
    round_id = worked["round"].id
    page = client.get(f"/rounds/{round_id}/results").get_data(as_text=True)
    assert "Group F" in page and "Group A" not in page
    response = client.get(f"/rounds/{round_id}/results/{worked['apps']['A'].id}")
    assert response.status_code == 404
    assert "Group A" not in client.get(f"/rounds/{round_id}/meeting").get_data(as_text=True)


def test_a_conflicted_panellists_ranks_have_no_gap_where_the_hidden_application_was(
    client: FlaskClient, worked: dict[str, Any], staff: User
) -> None:
    """Item 4: staff see A ranked 2nd; the panellist recused on A sees 1 to 5, no 2 missing."""
    everyone = services.compute(worked["round"])
    assert [(r.reference, r.rank) for r in everyone.result.applications] == [
        ("F", 1),
        ("A", 2),
        ("E", 3),
        ("C", 4),
        ("B", 5),
        ("D", 6),
    ]
    p4 = worked["panel"][3]
    theirs = services.compute(worked["round"], hide_for=p4)
    assert [(r.reference, r.rank) for r in theirs.result.applications] == [
        ("F", 1),
        ("E", 2),
        ("C", 3),
        ("B", 4),
        ("D", 5),
    ]
    assert everyone.result.result_for("E").rank == 3  # staff's analysis is untouched

    AuthActions(client).login(p4)
    round_id = worked["round"].id
    page = client.get(f"/rounds/{round_id}/results").get_data(as_text=True)
    shown = re.findall(r'data-label="Rank">(\d+)</td>', page)
    assert shown == ["1", "2", "3", "4", "5"]
    e_page = client.get(f"/rounds/{round_id}/results/{worked['apps']['E'].id}")
    assert re.search(r"Rank</dt>\s*<dd[^>]*>\s*2\s*<", e_page.get_data(as_text=True))


def test_an_applications_page_draws_its_scores_as_a_dot_plot_with_a_text_alternative(
    client: FlaskClient, staff: User, worked: dict[str, Any]
) -> None:
    AuthActions(client).login(staff)
    page = client.get(f"/rounds/{worked['round'].id}/results/{worked['apps']['C'].id}").get_data(
        as_text=True
    )
    assert page.count("<circle") == 4
    assert "Scores for C: 1.00, 3.50, 4.00, 4.50; mean 3.25" in page
    assert "The panel was split (scores spread widely and scores far apart)" in page


def test_the_meeting_agenda_lists_flagged_applications_first_largest_sd_first(
    client: FlaskClient, staff: User, worked: dict[str, Any]
) -> None:
    AuthActions(client).login(staff)
    page = client.get(f"/rounds/{worked['round'].id}/meeting").get_data(as_text=True)
    order = [page.index(f"Group {ref}") for ref in ("C", "D")]
    assert order == sorted(order)
    assert page.index("Group D") < page.index("Group F")


@pytest.mark.parametrize("extra_apps", [0, 6])
def test_the_results_page_query_count_does_not_grow_with_applications(
    client: FlaskClient,
    staff: User,
    worked: dict[str, Any],
    extra_apps: int,
    count_queries: CountQueries,
) -> None:
    for i in range(extra_apps):
        gen_application(
            worked["round"],
            100 + i,
            reference=f"X{i}",
            organisation_name=f"Extra {i}",
            organisation_type="other",
            amount_requested_pence=1000,
        )
    AuthActions(client).login(staff)
    with count_queries() as statements:
        client.get(f"/rounds/{worked['round'].id}/results")
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 12, selects


def test_a_review_set_aside_by_a_later_conflict_is_not_counted(
    app: Flask, worked: dict[str, Any], staff: User
) -> None:
    """Item 4: a review set aside by a conflict is not counted."""
    gen_conflict(worked["apps"]["A"], worked["panel"][0], kind="other", note="late")
    result = services.compute(worked["round"]).result.result_for("A")
    assert result.n == 3 and result.recusals == 2
    assert round(result.mean or 0, 4) == 4.0  # (3.5 + 4.5 + 4.0) / 3
