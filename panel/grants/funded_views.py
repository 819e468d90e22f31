""" "What we funded": a round's page for staff and its panel, the fund's page, and their public
versions once staff publish them (404 before, like any unknown address)."""

from typing import Any

from flask import abort, render_template
from flask_login import current_user

from panel.access import policy, round_for_member
from panel.extensions import db
from panel.grants import bp, funded
from panel.models import FundingRound
from panel.money import format_pence


def _page(title: str, rounds: list[FundingRound], *, public: bool, round_: Any = None) -> Any:
    projects = funded.funded_projects([r.id for r in rounds])
    return render_template(
        "grants/funded.html",
        title=title,
        round=round_,
        rounds=rounds,
        projects=projects,
        chart=funded.ward_chart(projects),
        total=format_pence(sum(p.amount_pence for p in projects), whole=True),
        public=public,
        published=set(funded.published_round_ids()),
    )


@bp.route("/rounds/<int:round_id>/what-we-funded")
@policy("member")
def round_funded(round_id: int) -> Any:
    round_ = round_for_member(round_id)
    return _page(f"What we funded: {round_.name}", [round_], public=False, round_=round_)


@bp.route("/what-we-funded")
@policy("public")
def fund_funded() -> Any:
    """Every round with awards for staff; published rounds for everyone else."""
    rounds = funded.rounds_with_awards()
    if not (current_user.is_authenticated and current_user.is_staff):
        published = set(funded.published_round_ids())
        rounds = [r for r in rounds if r.id in published]
    return _page("What we funded", rounds, public=not current_user.is_authenticated)


@bp.route("/what-we-funded/<slug>")
@policy("public")
def public_round_funded(slug: str) -> Any:
    round_ = db.session.execute(
        db.select(FundingRound).where(FundingRound.slug == slug)
    ).scalar_one_or_none()
    if round_ is None or not funded.is_published(round_.id):
        abort(404)
    return _page(f"What we funded: {round_.name}", [round_], public=True, round_=round_)
