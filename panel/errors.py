"""Plain error pages, and ending a request's transaction safely when something went wrong.

Shared by the app-wide hooks (panel.web) and the fault handlers (panel.faults): a person sees a
plain page in words, never a traceback.
"""

from contextlib import suppress
from typing import Any

from flask import current_app, render_template, request
from werkzeug.exceptions import HTTPException

from panel.extensions import db

ERROR_TEXT = {
    400: ("There is a problem with that request", "Go back and try again."),
    403: ("You cannot do that", "Your account does not have access to this."),
    404: ("Page not found", "If you typed the web address, check it is correct."),
    405: ("You cannot do that here", "Go back and use the buttons on the page."),
    409: ("Someone else changed this", "Go back, reload the page and try again."),
    413: ("That file is too big", "Files must be smaller than 5 MB."),
    429: ("Too many attempts", "Wait a few minutes and try again."),
    500: ("Sorry, there is a problem with the service", "Try again later."),
}


def render_error(code: int) -> str:
    """The plain error page for an HTTP status, with no technical detail."""
    title, advice = ERROR_TEXT.get(code, ERROR_TEXT[500])
    try:
        return render_template("errors/error.html", code=code, title=title, advice=advice)
    except Exception:  # noqa: BLE001 - e.g. a refused Host header leaves no URL adapter
        return (
            f'<!doctype html><html lang="en-GB"><title>{title}</title>'
            f"<main><h1>{title}</h1><p>{advice}</p></main></html>"
        )


def http_error(error: HTTPException) -> Any:
    """Plain pages for HTTP errors; redirects and the like pass through untouched."""
    code = error.code or 500
    if code < 400:
        return error
    return render_error(code), code


def unexpected_error(error: Exception) -> Any:
    """Log the traceback and show a plain page; never show a traceback to the person."""
    if isinstance(error, HTTPException):
        return http_error(error)
    current_app.logger.exception("unhandled error on %s", request.path)
    discard_session()
    if current_app.testing and current_app.config.get("PROPAGATE_TEST_ERRORS", True):
        raise error
    return render_error(500), 500


def discard_session() -> None:
    """End the request's transaction whatever state its connection is in; never raise."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is gone: drop it without talking to it
        with suppress(Exception):
            db.session().invalidate()
