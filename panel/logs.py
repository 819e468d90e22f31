"""Log lines never carry personal data (docs/security.md item 33).

Two leaks were possible: SQLAlchemy writes a failing statement's parameters into its error
message (an applicant's name, email, phone and postcode, when saving an application failed), and
PostgreSQL adds a DETAIL line that repeats the failing row or the clashing value ("Failing row
contains (...)", "Key (email)=(...) already exists"). The engine is made with
`hide_parameters=True` (panel/config.py), and every record of the app's loggers has its DETAIL
lines replaced before any handler writes it, traceback included.
"""

import logging
import re

from flask import Flask

DETAIL = re.compile(r"^DETAIL:.*$", re.MULTILINE)
HIDDEN = "DETAIL:  (hidden: it may hold personal data)"
# The loggers whose records the app's errors reach: its own, the development server's, gunicorn's.
LOGGERS = ("werkzeug", "gunicorn.error")


def scrub(text: str) -> str:
    """`text` with each database DETAIL line replaced by a note that it was hidden."""
    return DETAIL.sub(HIDDEN, text)


class NoPersonalData(logging.Filter):
    """Rewrite a record's message and traceback without the database's DETAIL lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "DETAIL:" in message:
            record.msg, record.args = scrub(message), None
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_info, record.exc_text = None, scrub(text)
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


def install_log_filter(app: Flask) -> None:
    """Attach the filter to the app's logger and to the servers' error loggers (once each)."""
    for logger in (app.logger, *(logging.getLogger(name) for name in LOGGERS)):
        if not any(isinstance(f, NoPersonalData) for f in logger.filters):
            logger.addFilter(NoPersonalData())
