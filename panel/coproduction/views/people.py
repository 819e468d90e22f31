"""Staff pages: the fund's co-production across rounds, everyone's records, expense claims,
payments, and erasing a record. All staff-only (others get 404). The usual time of each kind
of activity is set on the Fund settings page (panel/fund/)."""

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from panel.access import policy
from panel.coproduction import bp
from panel.coproduction.charts import hours, time_chart
from panel.coproduction.forms import (
    DecideExpenseForm,
    PaidForm,
    PaymentForm,
    RefuseApprovedForm,
)
from panel.coproduction.services import expenses, report
from panel.coproduction.services import person as people_service
from panel.coproduction.services.errors import CoproductionError, StaleChange
from panel.coproduction.views.common import (
    chosen_round,
    claim_page,
    offscreen_page,
    record_page,
    resident_or_404,
    round_choices,
    show_refusal,
)
from panel.extensions import db
from panel.forms import ConfirmForm
from panel.models import Expense, ExpenseStatus, PaymentKind
from panel.models.types import uk_today


@bp.route("/coproduction")
@policy("staff")
def overview() -> Any:
    """Co-production across the fund's rounds: the trend of hours, people and money."""
    reports, unattached = report.fund_overview()
    chart = time_chart(
        [(r.round.name, r.total.resident_minutes, r.total.staff_minutes) for r in reports]
    )
    return render_template(
        "coproduction/overview.html",
        reports=reports,
        unattached=unattached,
        chart=chart,
        hours=hours,
        waiting=len(expenses.waiting_claims()),
    )


@bp.route("/coproduction/people")
@policy("staff")
def people() -> Any:
    """Every resident's time and payments this tax year, and their open claims."""
    year = people_service.tax_year(uk_today())
    return render_template(
        "coproduction/people.html",
        lines=people_service.people_overview(year),
        year_label=people_service.tax_year_label(year),
        hours=hours,
    )


@bp.route("/people/<int:user_id>/involvement")
@policy("staff")
def person(user_id: int) -> Any:
    return record_page(resident_or_404(user_id), own=False)


@bp.route("/people/<int:user_id>/involvement/add", methods=["GET", "POST"])
@policy("staff")
def add_for(user_id: int) -> Any:
    someone = resident_or_404(user_id)
    done = url_for("coproduction.person", user_id=someone.id)
    return offscreen_page(someone, current_user, own=False, done=done)


@bp.route("/people/<int:user_id>/expenses/new", methods=["GET", "POST"])
@policy("staff")
def claim_for(user_id: int) -> Any:
    someone = resident_or_404(user_id)
    done = url_for("coproduction.person", user_id=someone.id)
    return claim_page(someone, current_user, own=False, done=done)


@bp.route("/people/<int:user_id>/payments/new", methods=["GET", "POST"])
@policy("staff")
def pay(user_id: int) -> Any:
    """Record a payment or voucher for a resident's time (with the note about benefits)."""
    someone = resident_or_404(user_id)
    form = PaymentForm()
    round_choices(form.round_id, current_user)
    if form.validate_on_submit():
        try:
            expenses.record_payment(
                person=someone,
                kind=PaymentKind(form.kind.data),
                amount_pence=form.amount.data,
                paid_on=form.paid_on.data,
                note=form.note.data or "",
                round_=chosen_round(form.round_id.data, current_user),
                actor=current_user,
            )
        except CoproductionError as exc:
            show_refusal(form, exc)
        else:
            db.session.commit()
            flash(f"The {form.kind.data} has been recorded.", "success")
            return redirect(url_for("coproduction.person", user_id=someone.id))
    record = people_service.person_record(someone)
    year = people_service.tax_year(uk_today())
    return render_template(
        "coproduction/pay.html",
        form=form,
        person=someone,
        paid_this_year=record.payments_by_year.get(year, 0),
        year_label=people_service.tax_year_label(year),
    ), (400 if request.method == "POST" else 200)


@bp.route("/people/<int:user_id>/involvement/erase", methods=["GET", "POST"])
@policy("staff")
def erase(user_id: int) -> Any:
    """Erase a person's involvement record, after a confirmation."""
    someone = resident_or_404(user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            erased = people_service.erase_record(person=someone, actor=current_user)
        except CoproductionError as exc:
            flash(str(exc), "info")
            return redirect(url_for("coproduction.person", user_id=someone.id))
        db.session.commit()
        flash(
            f"{someone.display_name}'s involvement record has been erased "
            f"({erased.total} {'entry' if erased.total == 1 else 'entries'}).",
            "success",
        )
        return redirect(url_for("coproduction.person", user_id=someone.id))
    return render_template(
        "coproduction/erase.html",
        person=someone,
        form=form,
        record=people_service.person_record(someone),
    ), (400 if request.method == "POST" else 200)


@bp.route("/coproduction/expenses")
@policy("staff")
def expense_list() -> Any:
    """Claims waiting for a decision, then approved ones waiting to be paid."""
    waiting = expenses.waiting_claims()
    names = people_service.names_of({e.person_id for e in waiting if e.person_id})
    return render_template(
        "coproduction/expenses.html",
        claims=waiting,
        names=names,
        rounds=people_service.round_names({e.round_id for e in waiting if e.round_id}),
    )


def _expense_or_404(expense_id: int) -> Expense:
    expense = db.session.get(Expense, expense_id)
    if expense is None:
        abort(404)
    return expense


def _expense_page(expense: Expense, **forms: Any) -> Any:
    decide = forms.get("decide") or DecideExpenseForm(data={"status": expense.status})
    paid = forms.get("paid") or PaidForm(data={"status": expense.status, "paid_on": uk_today()})
    refuse = forms.get("refuse") or RefuseApprovedForm(data={"status": expense.status})
    names = people_service.names_of({expense.person_id} if expense.person_id else set())
    return render_template(
        "coproduction/expense.html",
        expense=expense,
        person_name=names.get(expense.person_id or 0, "Erased"),
        round_name=people_service.round_names(
            {expense.round_id} if expense.round_id else set()
        ).get(expense.round_id or 0, ""),
        decide=decide,
        paid=paid,
        refuse=refuse,
        can_decide=expense.status == ExpenseStatus.CLAIMED,
        can_pay=expense.status == ExpenseStatus.APPROVED,
    )


@bp.route("/coproduction/expenses/<int:expense_id>", methods=["GET", "POST"])
@policy("staff")
def expense(expense_id: int) -> Any:
    """A claim: approve or refuse it (with a reason)."""
    claim = _expense_or_404(expense_id)
    form = DecideExpenseForm()
    if form.validate_on_submit():
        try:
            if form.decision.data == "approve":
                expenses.approve(expense=claim, expected=form.status.data or "", actor=current_user)
            else:
                expenses.refuse(
                    expense=claim,
                    expected=form.status.data or "",
                    reason=form.reason.data or "",
                    actor=current_user,
                )
        except CoproductionError as exc:
            db.session.rollback()
            show_refusal(form, exc)
            return _expense_page(_expense_or_404(expense_id), decide=form), 409 if isinstance(
                exc, StaleChange
            ) else 400
        db.session.commit()
        flash(f"The claim has been {claim.expense_status.label.lower()}.", "success")
        return redirect(url_for("coproduction.expense", expense_id=claim.id))
    status = 400 if request.method == "POST" else 200
    return _expense_page(claim, decide=form if request.method == "POST" else None), status


@bp.route("/coproduction/expenses/<int:expense_id>/paid", methods=["POST"])
@policy("staff")
def expense_paid(expense_id: int) -> Any:
    """Mark an approved claim paid."""
    claim = _expense_or_404(expense_id)
    form = PaidForm()
    if form.validate_on_submit():
        try:
            expenses.mark_paid(
                expense=claim,
                expected=form.status.data or "",
                paid_on=form.paid_on.data,
                actor=current_user,
            )
        except CoproductionError as exc:
            db.session.rollback()
            show_refusal(form, exc)
            return _expense_page(_expense_or_404(expense_id), paid=form), 409 if isinstance(
                exc, StaleChange
            ) else 400
        db.session.commit()
        flash("The claim has been marked as paid.", "success")
        return redirect(url_for("coproduction.expense", expense_id=claim.id))
    return _expense_page(claim, paid=form), 400


@bp.route("/coproduction/expenses/<int:expense_id>/refuse", methods=["POST"])
@policy("staff")
def expense_refuse(expense_id: int) -> Any:
    """Refuse a claim that was approved but not yet paid."""
    claim = _expense_or_404(expense_id)
    form = RefuseApprovedForm()
    if form.validate_on_submit():
        try:
            expenses.refuse(
                expense=claim,
                expected=form.status.data or "",
                reason=form.reason.data or "",
                actor=current_user,
            )
        except CoproductionError as exc:
            db.session.rollback()
            show_refusal(form, exc)
            return _expense_page(_expense_or_404(expense_id), refuse=form), 409 if isinstance(
                exc, StaleChange
            ) else 400
        db.session.commit()
        flash("The claim has been refused.", "success")
        return redirect(url_for("coproduction.expense", expense_id=claim.id))
    return _expense_page(claim, refuse=form), 400
