"""After submitting, a panellist sees the others' reviews: a fixed number of queries."""

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from panel.extensions import db
from panel.models import Review, RoundMember, User
from panel.results.cli import seed_synthetic_command
from tests.conftest import PASSWORD, AuthActions, CountQueries


def open_a_submitted_review(
    app: Flask, client: FlaskClient, count_queries: CountQueries, panellists: int
) -> tuple[int, int]:
    """Seed a round with every review submitted; return (queries, others shown) for one page."""
    result = app.test_cli_runner().invoke(
        seed_synthetic_command,
        [
            "--applications", "2", "--panellists", str(panellists), "--criteria", "3",
            "--seed", "8", "--stage", "scoring", "--password", PASSWORD,
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    round_id = int(result.output.strip())
    user_id, email = db.session.execute(
        sa.select(User.id, User.email)
        .join(RoundMember, RoundMember.user_id == User.id)
        .where(RoundMember.round_id == round_id)
        .order_by(User.id)
    ).first()
    application_id = (
        db.session.execute(
            sa.select(Review.application_id).where(
                Review.round_id == round_id, Review.panellist_id == user_id
            )
        )
        .scalars()
        .first()
    )
    others = db.session.execute(
        sa.select(sa.func.count())
        .select_from(Review)
        .where(Review.application_id == application_id, Review.panellist_id != user_id)
    ).scalar_one()
    auth = AuthActions(client)
    auth.logout()
    assert auth.login(email).status_code == 302
    url = f"/rounds/{round_id}/scoring/{application_id}"
    with count_queries() as statements:
        page = client.get(url)
    assert page.status_code == 200
    shown = page.get_data(as_text=True).count('<li class="comment">')
    assert shown == others > 0
    return len(statements), shown


def test_the_others_reviews_cost_the_same_queries_however_big_the_panel(
    app: Flask, client: FlaskClient, count_queries: CountQueries
) -> None:
    small, shown_small = open_a_submitted_review(app, client, count_queries, 3)
    large, shown_large = open_a_submitted_review(app, client, count_queries, 12)
    assert shown_large > shown_small
    assert large == small
