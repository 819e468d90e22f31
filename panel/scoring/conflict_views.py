"""Conflicts of interest: a panellist (or staff for them) declares one, staff keep the register
and withdraw a declaration with a reason."""

from typing import Any, cast

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from panel.access import policy, round_for_member, round_or_404
from panel.applications.queries import eligible_applications
from panel.extensions import db
from panel.forms import choices
from panel.models import Application, Conflict, ConflictKind, FundingRound
from panel.rounds.services import current_members
from panel.scoring import bp
from panel.scoring.forms import (
    ConflictForm,
    StaffConflictForm,
    WithdrawConflictForm,
)
from panel.scoring.services import conflicts as declarations
from panel.scoring.services import errors, lookups, rules
from panel.scoring.views import _application_or_404, _panellist_or_404


@bp.route("/rounds/<int:round_id>/scoring/<int:application_id>/conflict", methods=["GET", "POST"])
@policy("member")
def declare_conflict(round_id: int, application_id: int) -> Any:
    round_ = round_for_member(round_id)
    application = _application_or_404(round_, application_id)
    staff = current_user.is_staff
    if not staff and lookups.standing_conflict(
        application_id=application.id, panellist_id=current_user.id
    ):
        abort(404)
    form: ConflictForm
    if staff:
        form = StaffConflictForm()
        del form.application_id
        form.panellist_id.choices = _panellist_choices(round_)
    else:
        form = ConflictForm()
    status = 200
    refusal = rules.conflict_refusal(round_)
    if request.method == "POST" and refusal:
        status = 409
    elif form.validate_on_submit():
        panellist = (
            _panellist_or_404(round_, form.panellist_id.data)
            if isinstance(form, StaffConflictForm)
            else current_user
        )
        try:
            declarations.declare_conflict(
                round_=round_,
                application=application,
                panellist=panellist,
                kind=ConflictKind(form.kind.data),
                note=form.note.data or "",
                actor=current_user,
            )
        except errors.NotFound:
            db.session.rollback()
            abort(404)
        except errors.ConflictError as exc:
            db.session.rollback()
            form.kind.errors = [str(exc)]
            status = 400
        else:
            db.session.commit()
            if staff:
                flash(
                    f"The conflict of interest for {panellist.display_name} on "
                    f"{application.reference} has been recorded.",
                    "success",
                )
                return redirect(url_for("scoring.conflicts", round_id=round_.id))
            flash(
                f"Thank you. You will not score {application.reference}, and your name is "
                "left out of its scores.",
                "success",
            )
            return redirect(url_for("scoring.my_scoring", round_id=round_.id))
    if form.errors:
        status = 400
    return render_template(
        "scoring/conflict.html",
        round=round_,
        application=application,
        form=form,
        staff=staff,
        refusal=refusal,
        has_review=not staff
        and lookups.find_review(application_id=application.id, panellist_id=current_user.id)
        is not None,
    ), status


def _panellist_choices(round_: FundingRound) -> Any:
    members = current_members(round_)
    return choices((0, "Choose a panellist"), *((m.user_id, m.user.display_name) for m in members))


@bp.route("/rounds/<int:round_id>/conflicts", methods=["GET", "POST"])
@policy("staff")
def conflicts(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    form = StaffConflictForm()
    form.panellist_id.choices = _panellist_choices(round_)
    form.application_id.choices = choices(
        (0, "Choose an application"),
        *(
            (a.id, f"{a.reference}: {a.organisation_name}")
            for a in eligible_applications(round_.id)
        ),
    )
    status = 200
    if form.validate_on_submit():
        panellist = _panellist_or_404(round_, form.panellist_id.data)
        application = _application_or_404(round_, form.application_id.data)
        try:
            declarations.declare_conflict(
                round_=round_,
                application=application,
                panellist=panellist,
                kind=ConflictKind(form.kind.data),
                note=form.note.data or "",
                actor=current_user,
            )
        except errors.ScoringError as exc:
            db.session.rollback()
            form.application_id.errors = [str(exc)]
        else:
            db.session.commit()
            flash(
                f"The conflict of interest for {panellist.display_name} on "
                f"{application.reference} has been recorded.",
                "success",
            )
            return redirect(url_for("scoring.conflicts", round_id=round_.id))
    if form.errors:
        status = 400
    declared = declarations.conflicts_register(round_)
    applications = lookups.applications_by_id({c.application_id for c in declared})
    people = lookups.users_by_id(
        {c.panellist_id for c in declared}
        | {c.declared_by_id for c in declared}
        | {c.withdrawn_by_id for c in declared if c.withdrawn_by_id}
    )
    return render_template(
        "scoring/conflicts.html",
        round=round_,
        form=form,
        declared=declared,
        applications=applications,
        people=people,
        refusal=rules.conflict_refusal(round_),
    ), status


@bp.route("/rounds/<int:round_id>/conflicts/<int:conflict_id>/withdraw", methods=["GET", "POST"])
@policy("staff")
def withdraw_conflict(round_id: int, conflict_id: int) -> Any:
    round_ = round_or_404(round_id)
    conflict = db.session.get(Conflict, conflict_id)
    if conflict is None or conflict.round_id != round_.id:
        abort(404)
    application = db.session.get(Application, conflict.application_id)
    form = WithdrawConflictForm()
    status = 200
    if form.validate_on_submit():
        try:
            declarations.withdraw_conflict(
                conflict=conflict, reason=cast(str, form.reason.data), actor=current_user
            )
        except errors.ConflictError as exc:
            db.session.rollback()
            form.reason.errors = [str(exc)]
            status = 400
        else:
            db.session.commit()
            flash(
                f"The declaration by {conflict.panellist.display_name} has been withdrawn. "
                "They can score the application again.",
                "success",
            )
            return redirect(url_for("scoring.conflicts", round_id=round_.id))
    if form.errors:
        status = 400
    return render_template(
        "scoring/withdraw_conflict.html",
        round=round_,
        conflict=conflict,
        application=application,
        form=form,
    ), status


# ------------------------------------------------------------------ coverage, paper sheets
