"""Fund settings for staff: one page listing the sections, and a short page for each."""

from dataclasses import asdict, dataclass
from typing import Any

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from panel.access import policy
from panel.extensions import db
from panel.fund import bp, identity, services, times
from panel.fund.forms import ConductForm, IdentityForm, WelcomeForm, times_form


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
        "fund.identity_settings",
        "Funder and contact details",
        "The fund's name, logo and colour on public pages and letters; the funder's name, "
        "org-id and 360Giving prefix for the exports; the address, phone and email the public "
        "uses.",
    ),
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


@bp.app_context_processor
def _identity_helper() -> dict[str, Any]:
    """`fund_identity()` in every template: the fund's name, logo, colour and contact details
    (read once a request, only by pages that show them)."""

    def fund_identity() -> identity.Identity:
        if "fund_identity" not in g:
            g.fund_identity = identity.identity()
        found: identity.Identity = g.fund_identity
        return found

    return {"fund_identity": fund_identity}


def _refused(form: Any, exc: services.FundError) -> int:
    """Show why a save of the settings was refused; the form now carries the settings' current
    version, so sending it again saves over what is there now."""
    db.session.rollback()
    form.show_problems(exc.problems)
    form.version.data = str(services.settings_version())
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
            status = _refused(form, exc)
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
            status = _refused(form, exc)
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
            form.show_problems((f"minutes_{key}", message) for key, message in exc.problems)
        else:
            db.session.commit()
            flash("The times have been saved." if changed else "Nothing was changed.", "success")
            return redirect(url_for("fund.settings"))
    status = 400 if form.errors else 200
    return render_template("fund/times.html", form=form, kinds=times.KINDS), status


@bp.route("/fund/identity", methods=["GET", "POST"])
@policy("staff")
def identity_settings() -> Any:
    data = None if request.method == "POST" else asdict(identity.saved_text())
    form = IdentityForm(data=data)
    status = 200
    if request.method == "GET":
        form.version.data = str(services.settings_version())
    elif form.validate_on_submit():
        try:
            expected = form.version.sent()
            changed = identity.save_identity(
                text=form.text(), expected_version=expected, actor=current_user
            )
            logo_changed = identity.save_logo(
                data=form.logo_bytes(),
                remove=bool(form.remove_logo.data),
                expected_version=expected + 1 if changed else expected,
                actor=current_user,
            )
        except services.FundError as exc:
            status = _refused(form, exc)
        else:
            db.session.commit()
            done = changed or logo_changed
            flash(
                "The funder and contact details have been saved."
                if done
                else "Nothing was changed.",
                "success",
            )
            return redirect(url_for("fund.settings"))
    if form.errors and status == 200:
        status = 400
    return render_template("fund/identity.html", form=form, current=identity.identity()), status


@bp.route("/brand/logo")
@policy("public")
def logo() -> Any:
    """The fund's logo, served as the picture it was checked to be, never as a page."""
    found = identity.logo()
    if found is None:
        abort(404)
    data, content_type = found
    response = Response(data, mimetype=content_type)
    response.headers["Content-Disposition"] = 'inline; filename="logo"'
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/brand/colour.css")
@policy("public")
def brand_css() -> Any:
    """The header in the fund's brand colour (only ever one white text reads well on)."""
    colour = identity.identity().brand_colour
    body = f".header--brand{{background:{colour};border-bottom-color:{colour}}}\n" if colour else ""
    response = Response(body, mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
