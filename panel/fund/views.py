"""Fund settings for staff: one page listing the sections, and a short page for each."""

from dataclasses import asdict, dataclass
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from panel.access import policy
from panel.extensions import db
from panel.fund import bp, services, times
from panel.fund.forms import ConductForm, WelcomeForm, times_form


@dataclass(frozen=True)
class Section:
    """One part of the fund settings: its page's endpoint, its name and what it holds."""

    endpoint: str
    title: str
    summary: str


# The sections of "Fund settings", in the order the page lists them. A new part of the settings
# (the funder's identity, logo, colour, contact details) adds its page and a line here.
SECTIONS = [
    Section(
        "fund.welcome_settings",
        "Welcome for new panellists",
        "What a new panellist reads first: the role, the time it takes, how the panel behaves, "
        "what stays confidential, what expenses are paid and who to call.",
    ),
    Section(
        "fund.conduct_settings",
        "Code of conduct",
        "What each panellist agrees to before they score for the first time.",
    ),
    Section(
        "fund.times_settings",
        "How long tasks take",
        "The times pages show, like “about 15 minutes an application”, and residents'"
        " involvement records count.",
    ),
]


@bp.app_context_processor
def _time_helper() -> dict[str, Any]:
    """`time_for(kind)` in every template: "about 15 minutes an application" (one query a page)."""
    loaded: dict[str, int] = {}

    def time_for(kind: str) -> str:
        if not loaded:
            loaded.update(times.all_minutes())
        return times.about(kind, loaded[kind])

    return {"time_for": time_for}


def _show(form: Any, exc: services.FundError) -> int:
    for name, message in exc.problems:
        target = form._fields.get(name) if name != "form" else None
        if target is None:
            form.form_errors.append(message)
        else:
            target.errors = [*target.errors, message]
    return 409 if isinstance(exc, services.StaleSettings) else 400


@bp.route("/fund")
@policy("staff")
def settings() -> Any:
    return render_template("fund/settings.html", sections=SECTIONS, fund=services.the_fund())


@bp.route("/fund/welcome", methods=["GET", "POST"])
@policy("staff")
def welcome_settings() -> Any:
    data = None if request.method == "POST" else asdict(services.welcome())
    form = WelcomeForm(data=data)
    status = 200
    if request.method == "GET":
        form.version.data = str(services.settings_version())
    elif form.validate_on_submit():
        try:
            changed = services.save_welcome(
                text=form.welcome(), expected_version=form.version.sent(), actor=current_user
            )
        except services.FundError as exc:
            db.session.rollback()
            status = _show(form, exc)
            form.version.data = str(services.settings_version())
        else:
            db.session.commit()
            flash("The welcome has been saved." if changed else "Nothing was changed.", "success")
            return redirect(url_for("fund.settings"))
    if form.errors and status == 200:
        status = 400
    return render_template("fund/welcome.html", form=form), status


@bp.route("/fund/code-of-conduct", methods=["GET", "POST"])
@policy("staff")
def conduct_settings() -> Any:
    text, number = services.code_of_conduct()
    form = ConductForm(data=None if request.method == "POST" else {"code_of_conduct": text})
    status = 200
    if request.method == "GET":
        form.version.data = str(services.settings_version())
    elif form.validate_on_submit():
        try:
            changed = services.save_code_of_conduct(
                text=form.code_of_conduct.data or "",
                expected_version=form.version.sent(),
                actor=current_user,
            )
        except services.FundError as exc:
            db.session.rollback()
            status = _show(form, exc)
            form.version.data = str(services.settings_version())
        else:
            db.session.commit()
            flash(
                "The code of conduct has been saved." if changed else "Nothing was changed.",
                "success",
            )
            return redirect(url_for("fund.settings"))
    if form.errors and status == 200:
        status = 400
    return render_template("fund/conduct.html", form=form, number=number), status


@bp.route("/fund/times", methods=["GET", "POST"])
@policy("staff")
def times_settings() -> Any:
    form = times_form(times.all_minutes())
    if form.validate_on_submit():
        try:
            changed = times.set_minutes(minutes=form.minutes(), actor=current_user)
        except times.TimesError as exc:
            db.session.rollback()
            for key, message in exc.problems:
                field = form._fields.get(f"minutes_{key}")
                if field is None:
                    form.form_errors.append(message)
                else:
                    field.errors = [*field.errors, message]
        else:
            db.session.commit()
            flash("The times have been saved." if changed else "Nothing was changed.", "success")
            return redirect(url_for("fund.settings"))
    status = 400 if form.errors else 200
    return render_template("fund/times.html", form=form, kinds=times.KINDS), status
