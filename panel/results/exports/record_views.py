"""Downloads of co-production figures: a round's Co-production sheet as csv (staff), and a
person's involvement record as csv (the person themself, or staff). Anyone else gets 404.

The writer is the results exports' one (item 20: no text can run as a formula)."""

import io
import re
from typing import Any

from flask import abort, send_file
from flask_login import current_user
from werkzeug.wrappers import Response

from panel.access import policy, round_or_404
from panel.coproduction.services.person import person_record
from panel.extensions import db
from panel.models import Role, User
from panel.results import bp
from panel.results.exports.coproduction import coproduction_sheet
from panel.results.exports.involvement import record_sheet
from panel.results.exports.make import VIA_WEB, record_export
from panel.results.exports.options import ExportOptions
from panel.results.exports.spreadsheet import Sheet, write_csv

CSV = "text/csv; charset=utf-8"


def _csv(sheet: Sheet, filename: str) -> Response:
    out = io.BytesIO()
    write_csv(sheet, out)
    out.seek(0)
    response = send_file(out, mimetype=CSV, as_attachment=True, download_name=filename)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/rounds/<int:round_id>/coproduction.csv")
@policy("staff")
def coproduction_csv(round_id: int) -> Any:
    """The round's cost-of-co-production figures (the workbook's Co-production sheet) as csv."""
    round_ = round_or_404(round_id)
    sheet = coproduction_sheet(round_)
    record_export(
        round_=round_, options=ExportOptions("coproduction-csv"), actor=current_user, via=VIA_WEB
    )
    db.session.commit()
    slug = re.sub(r"[^a-z0-9-]+", "-", round_.slug.lower()).strip("-") or f"round-{round_.id}"
    return _csv(sheet, f"{slug}-coproduction.csv")


def _record_csv(person: User) -> Response:
    name = re.sub(r"[^a-z0-9]+", "-", person.display_name.lower()).strip("-") or "person"
    return _csv(record_sheet(person_record(person)), f"involvement-{name}.csv")


@bp.route("/involvement/download")
@policy("signed_in")
def my_involvement_csv() -> Any:
    """Your own involvement record (residents; staff have none of their own)."""
    if current_user.is_staff:
        abort(404)
    return _record_csv(current_user._get_current_object())


@bp.route("/people/<int:user_id>/involvement/download")
@policy("staff")
def person_involvement_csv(user_id: int) -> Any:
    """A resident's involvement record, for staff."""
    person = db.session.get(User, user_id)
    if person is None or person.role != Role.RESIDENT:
        abort(404)
    return _record_csv(person)
