"""Never lose what a person typed (#13 items 16, 18 and 20).

When a request meets a fault it could not see coming (panel.faults.kinds: a busy database, an
unavailable one, a full disk), one error handler answers for every view:

- A save (POST) whose database can still be read is made again, read-only: the view runs once
  more with every write refused (panel.database.read_only_from_now) and every form's validation
  failing, so it shows its own form holding what was sent, under a banner saying nothing was
  saved and what to do. (CSRF failures are answered the same way in panel.web.csrf_failed.)
- A save whose database cannot be read (or whose view could not be shown again) gets a page of
  its own: nothing was saved, what was typed, read-only to copy, and a button to send it again.
- Any other page gets a plain page saying what is wrong.

All three answer 503 with Retry-After and Cache-Control: no-store. The end of every request
closes its session safely even when the connection died under it (a PostgreSQL fast stop), so
an answer already made is never replaced by a bare "Internal Server Error".
"""

import sqlite3
from contextlib import suppress
from typing import TYPE_CHECKING, Any, cast

import sqlalchemy.exc as sa_exc
from flask import Flask, current_app, g, has_app_context, render_template, request, session
from flask_login import AnonymousUserMixin
from flask_wtf import FlaskForm
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response
from wtforms import Form

from panel.database import read_only_from_now
from panel.errors import discard_session, http_error, unexpected_error
from panel.extensions import db
from panel.faults.kept import rows_from_form, rows_from_request
from panel.faults.kinds import Fault, classify, describe

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue

TOO_LONG_TITLE = "What you sent is too long"
TOO_LONG_ADVICE = (
    "Nothing was saved. Go back, make your longest answer shorter (paste in less text), "
    "then send the form again."
)


def init_app(app: Flask) -> None:
    """Register the fault handlers, the safe end of requests and the template helpers."""
    # Driver errors raised without SQLAlchemy around them are looked at too.
    errors: list[type[Exception]] = [
        sa_exc.DBAPIError,
        sa_exc.TimeoutError,
        sqlite3.Error,
        OSError,
    ]
    if str(app.config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("postgresql"):
        import psycopg  # only an app on PostgreSQL pays for importing its driver

        errors.append(psycopg.Error)
    for error in errors:
        app.register_error_handler(error, answer_fault)
    app.register_error_handler(RequestEntityTooLarge, too_large)
    # Registered after Flask-SQLAlchemy's, so it runs first (teardowns run in reverse order).
    app.teardown_appcontext(end_session)
    app.context_processor(lambda: {"fault": g.get("panel_fault"), "kept_rows": rows_from_form})


# ------------------------------------------------------------------ the fault handler


def answer_fault(error: Exception) -> Any:
    """Answer a fault (503, Retry-After) keeping what was typed; anything else is a 500."""
    fault = classify(error)
    if fault is None:
        return unexpected_error(error)
    current_app.logger.warning(
        "%s: %s %s answered 503 (%s)", fault.kind, request.method, request.path, describe(error)
    )
    discard_session()
    first = g.get("panel_fault") is None
    g.panel_fault = fault
    if request.method != "POST":
        return _finish(_unavailable_page(fault), fault)
    if first and fault.readable:
        shown = _show_the_form_again()
        if shown is not None:
            return _finish(shown, fault)
    return _finish(_not_saved_page(fault), fault)


def _show_the_form_again() -> Response | None:
    """Run the view again, read-only, so it shows its form with what was sent (or None)."""
    from panel.access import enforce_policy

    view = current_app.view_functions.get(request.endpoint or "")
    if view is None:
        return None
    read_only_from_now()
    g.pop("_login_user", None)  # load the signed-in person again, in the read-only transaction
    flashes = list(session.get("_flashes", []))
    try:
        refused = enforce_policy()
        if refused is not None:
            return None
        result = view(**(request.view_args or {}))
        response = current_app.make_response(cast("ResponseReturnValue", result))
    except Exception as exc:  # noqa: BLE001 - any failure: the page of its own instead
        current_app.logger.warning(
            "%s could not be shown again (%s)", request.endpoint, describe(exc)
        )
        response = None
    if (
        response is not None
        and not 300 <= response.status_code < 400
        and response.mimetype == "text/html"
    ):
        return response  # its page again, with its form holding what was sent
    # The view did not show a form again (it redirected, or failed): nothing it said stands.
    session["_flashes"] = flashes
    discard_session()
    return None


def _without_the_database() -> None:
    """Make the page without touching the database: nobody is treated as signed in."""
    g._login_user = AnonymousUserMixin()  # the app keeps Flask-Login's own anonymous user


def _not_saved_page(fault: Fault) -> str:
    if not fault.readable:
        _without_the_database()
    shown, unseen = rows_from_request()
    action = request.full_path.rstrip("?")
    try:
        return render_template(
            "errors/not_saved.html", fault=fault, rows=shown, unseen=unseen, action=action
        )
    except Exception:  # noqa: BLE001 - e.g. the person's details could not be read either
        discard_session()
        _without_the_database()
        return render_template(
            "errors/not_saved.html", fault=fault, rows=shown, unseen=unseen, action=action
        )


def _unavailable_page(fault: Fault) -> str:
    _without_the_database()
    return render_template(
        "errors/error.html",
        code=503,
        title="Sorry, the service is unavailable",
        advice=f"{fault.cause} {fault.page_advice}",
    )


def _finish(body: Any, fault: Fault) -> Response:
    response = current_app.make_response(body)
    response.status_code = 503
    response.headers["Retry-After"] = str(fault.retry_after)
    response.headers["Cache-Control"] = "no-store"  # it may hold what the person typed
    return response


# ---------------------------------------------------------- sessions that end safely


def end_session(_error: BaseException | None = None) -> None:
    """At the end of every request, close its session; a dead connection is dropped, not
    allowed to turn an answer already made into a bare "Internal Server Error"."""
    try:
        db.session.remove()
    except Exception as exc:  # noqa: BLE001
        current_app.logger.warning("the session could not be closed cleanly (%s)", describe(exc))
        with suppress(Exception):
            db.session().invalidate()
        with suppress(Exception):
            db.session.registry.clear()


# ------------------------------------------------------ forms refuse while answering


def refusing() -> bool:
    """Whether the current request is being answered for a fault: no form may pass."""
    return has_app_context() and g.get("panel_fault") is not None


def _validate_unless_answering_a_fault(self: Any, extra_validators: Any = None) -> bool:
    """Validate as WTForms does; while a fault is being answered, never pass (the view then
    shows its form again with what was sent)."""
    valid = bool(Form.validate(self, extra_validators))
    return valid and not refusing()


# Every form of the app is a FlaskForm; its validate (which each form's own calls) is this.
FlaskForm.validate = _validate_unless_answering_a_fault  # type: ignore[method-assign]


# ------------------------------------------------------------------ too much sent


def too_large(error: RequestEntityTooLarge) -> Any:
    """413 in words that fit what was sent: a file that is too big, or a form too long."""
    if request.mimetype == "multipart/form-data":
        return http_error(error)
    return (
        render_template(
            "errors/error.html", code=413, title=TOO_LONG_TITLE, advice=TOO_LONG_ADVICE
        ),
        413,
    )
