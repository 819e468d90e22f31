"""Closing the loop: "You said, we did" for the panel of a decided round, and for anyone at
/fund/<round slug> once staff publish it."""

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from panel.access import policy, round_for_member, round_or_404
from panel.extensions import db
from panel.forms import ConfirmForm
from panel.results import bp, outcome, stages
from panel.results.budget import DecisionError


@bp.route("/rounds/<int:round_id>/you-said-we-did")
@policy("member")
def you_said_we_did(round_id: int) -> Any:
    round_ = round_for_member(round_id)
    if not stages.decided(round_):
        why = "“You said, we did” is written here once the round is decided."
        return render_template("results/not_yet.html", round=round_, why=why)
    return render_template(
        "results/you_said_we_did.html",
        page=outcome.you_said_we_did(round_),
        public=False,
        form=ConfirmForm(),
    )


@bp.route("/rounds/<int:round_id>/you-said-we-did/publish", methods=["POST"])
@policy("staff")
def publish_outcome(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        publish = round_.outcome_published_at is None
        try:
            outcome.publish(round_=round_, publish=publish, actor=current_user)
        except DecisionError as exc:
            db.session.rollback()
            flash(str(exc), "info")
        else:
            db.session.commit()
            flash(
                "The page is now public." if publish else "The page is no longer public.",
                "success",
            )
    return redirect(url_for("results.you_said_we_did", round_id=round_id))


@bp.route("/fund/<slug>")
@policy("public")
def public_outcome(slug: str) -> Any:
    round_ = outcome.published_round(slug)
    if round_ is None:
        abort(404)
    return render_template(
        "results/you_said_we_did.html",
        page=outcome.you_said_we_did(round_, public=True),
        public=True,
    )
