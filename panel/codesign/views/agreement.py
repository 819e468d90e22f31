"""Agreeing the criteria: sharing out the weights, adopting them, and the record of how."""

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from panel.access import policy, round_for_member
from panel.codesign import bp, services
from panel.codesign.forms import AdoptFormBase, adopt_form, shares_form
from panel.codesign.views.common import add_error, refused, show_problems
from panel.extensions import db
from panel.models import CriterionKind

# ------------------------------------------------------------------ weights


@bp.route("/rounds/<int:round_id>/criteria/weights", methods=["GET", "POST"])
@policy("member")
def weights(round_id: int) -> Any:
    round_ = round_for_member(round_id)
    closed = services.discussion_closed(round_)
    criteria = services.weighable(round_)
    saved = services.my_shares(round_, current_user)
    form = shares_form(criteria, saved)
    total_error = None
    if closed is None and criteria and form.validate_on_submit():
        try:
            services.share_weights(round_=round_, shares=form.shares(), actor=current_user)
        except services.Invalid as exc:
            db.session.rollback()
            # A fault of one share goes by its box; a fault of the set goes by the total.
            for name, message in exc.problems:
                if name == "form":
                    total_error = message
                else:
                    add_error(form, name, message)
        else:
            db.session.commit()
            flash(
                "Your shares have been saved. You can change them until the criteria are agreed.",
                "success",
            )
            return redirect(url_for("codesign.weights", round_id=round_.id))
    has_saved = bool(saved) and len(saved) == len(criteria) and sum(saved.values()) == 100
    stale = bool(saved) and not has_saved
    typed = form.total()
    status = 400 if (form.errors or total_error) else 200
    return render_template(
        "codesign/weights.html",
        round=round_,
        form=form,
        closed=closed,
        criteria=criteria,
        total_error=total_error,
        typed_total=typed,
        has_saved=has_saved,
        stale=stale,
        summary=services.weight_summary(round_),
    ), status


# ------------------------------------------------------------------ adoption


def _choices_from(form: AdoptFormBase) -> list[services.Choice] | None:
    chosen = []
    ok = True
    for row in form.rows():
        if not row["include"].data:
            continue
        c = row["criterion"]
        weight = 0
        reason = ""
        if c.kind == CriterionKind.SCORED:
            if row["weight"].errors:
                ok = False
                continue
            if row["weight"].data is None:
                row["weight"].errors = [f"Enter a weight for {c.title}"]
                ok = False
                continue
            weight = row["weight"].data
            reason = row["reason"].data or ""
        position = row["position"].data if isinstance(row["position"].data, int) else 999
        chosen.append(services.Choice(criterion=c, position=position, weight=weight, reason=reason))
    return chosen if ok else None


@bp.route("/rounds/<int:round_id>/criteria/adopt", methods=["GET", "POST"])
@policy("member")
def adopt(round_id: int) -> Any:
    round_ = round_for_member(round_id)
    allowed = services.may_adopt(round_, current_user)
    closed = services.adoption_closed(round_)
    summary = services.weight_summary(round_)
    candidates = services.candidates(round_)
    form = adopt_form(candidates, summary.proposed)
    stale = False
    if not form.is_submitted():
        in_force = services.current_rubric(round_)
        form.version.data = str(in_force.version if in_force else 0)
    if form.is_submitted() and not allowed:
        return refused(
            round_,
            "You cannot adopt the criteria",
            "Only staff or the panel's chair can adopt the criteria.",
            url_for("codesign.adopt", round_id=round_.id),
        )
    if allowed and closed is None and form.is_submitted():
        expected_version = form.version.sent()
        form.validate()
        form.clear_excluded_errors()
        chosen = _choices_from(form)
        if chosen is not None and not form.errors:
            try:
                rubric = services.adopt(
                    round_=round_,
                    choices=chosen,
                    note=form.note.data or "",
                    actor=current_user,
                    expected_version=expected_version,
                )
            except services.StaleAdoption as exc:
                # Someone adopted while this page was open: show theirs beside these (item 24).
                db.session.rollback()
                stale = True
                form.form_errors.append(str(exc))
                form.version.data = str(exc.in_force.version if exc.in_force else 0)
            except services.Invalid as exc:
                db.session.rollback()
                show_problems(form, exc)
            else:
                db.session.commit()
                flash(f"The criteria have been adopted as version {rubric.version}.", "success")
                return redirect(url_for("codesign.record", round_id=round_.id))
    status = 409 if stale else 400 if form.errors else 200
    return render_template(
        "codesign/adopt.html",
        round=round_,
        form=form,
        allowed=allowed,
        closed=closed,
        summary=summary,
        rubric=services.current_rubric(round_),
        stale=stale,
    ), status


# ------------------------------------------------------------------ the record


@bp.route("/rounds/<int:round_id>/criteria/record")
@policy("member")
def record(round_id: int) -> Any:
    round_ = round_for_member(round_id)
    rubrics = services.rubrics_of(round_)
    rubric = rubrics[0] if rubrics else None
    return render_template(
        "codesign/record.html",
        round=round_,
        rubric=rubric,
        earlier=rubrics[1:],
        entries=services.agreement_record(rubric) if rubric else [],
        boundaries=services.boundaries(round_),
    )
