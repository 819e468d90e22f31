"""Export pages (staff only): choose an export, download it, or follow a background job.

The endpoints are `results.<function name>` (panel.database.WRITES_ON_GET names two of them).
Small exports stream straight back; large ones run as an ExportJob.
"""

import io
from contextlib import ExitStack
from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import BooleanField, RadioField, SelectMultipleField
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from panel.access import in_round_or_404, policy, round_or_404
from panel.extensions import db
from panel.forms import ConfirmForm, PanelForm, choices
from panel.models import ExportJob, FundingRound
from panel.results import bp
from panel.results import exports as ex
from panel.results.exports import jobs, liveness
from panel.results.exports.make import VIA_WEB, record_export
from panel.results.exports.scores_csv import scores_csv_chunks
from panel.results.services import ResultsUnavailable

FORMAT_HINTS = {
    "xlsx": "Every sheet: Summary, Scores, Reviews, Criteria, Conflicts, Decisions and About. "
    "Anyone can recompute the Summary from it.",
    "csv": "The Summary sheet only, for any spreadsheet program.",
    "scores-csv": "The Scores sheet only: every counted score with its panellist, criterion and "
    "comment. Quick even for a large round.",
    "360giving": "Confirmed awards in the 360Giving open data format, ready to publish.",
    "360giving-json": "The same awards as a 360Giving JSON data package, checked against the "
    "360Giving schema before it is offered.",
    "feedback": "One row per application with the decision, the reason and the panel's "
    "comments, without names: ready for a mail merge.",
}


# Exports streamed straight back at any size: a csv of every score is quick to make.
STREAMED = ("scores-csv",)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ExportForm(PanelForm):
    fmt = RadioField(
        "What do you want to export?",
        choices=choices(*ex.FORMAT_LABELS.items()),
        validators=[InputRequired("Choose what to export")],
    )
    anonymise = BooleanField('Show panellists as "Panellist 1, 2, …" instead of their names')
    comments = MultiCheckboxField(
        "Feedback only: which panel comments should applicants see?",
        choices=choices(
            ("criterion", "Comments on each criterion"),
            ("overall", "Overall comments"),
        ),
        default=list(ex.COMMENT_CHOICES),
    )


def _job_or_404(round_: FundingRound, job_id: int) -> ExportJob:
    return in_round_or_404(ExportJob, job_id, round_)


def _file_response(data: Any, *, filename: str, mimetype: str) -> Response:
    response = send_file(data, mimetype=mimetype, as_attachment=True, download_name=filename)
    response.headers["Cache-Control"] = "no-store"
    return response


def _options(form: ExportForm) -> ex.ExportOptions:
    return ex.ExportOptions(
        form.fmt.data, anonymise=bool(form.anonymise.data), comments=tuple(form.comments.data or ())
    )


def _render(round_: FundingRound, form: ExportForm, status: int = 200) -> Any:
    return (
        render_template(
            "results/export.html",
            round=round_,
            form=form,
            hints=FORMAT_HINTS,
            jobs=jobs.recent_jobs(round_.id),
            scores=ex.score_count(round_.id),
            inline_limit=jobs.inline_limit(),
            options_of=jobs.options_of,
        ),
        status,
    )


@bp.route("/rounds/<int:round_id>/export")
@policy("staff")
def export_page(round_id: int) -> Any:
    """Choose an export."""
    round_ = round_or_404(round_id)
    form = ExportForm(data={"fmt": "xlsx", "comments": list(ex.COMMENT_CHOICES)})
    return _render(round_, form)


@bp.route("/rounds/<int:round_id>/export", methods=["POST"])
@policy("staff")
def start_export(round_id: int) -> Any:
    """Make the export now (small) or start a background job (large)."""
    round_ = round_or_404(round_id)
    form = ExportForm()
    if not form.validate_on_submit():
        return _render(round_, form, 400)
    options = _options(form)
    if options.fmt not in STREAMED and jobs.needs_job(round_, options):
        job = jobs.start_job(round_=round_, options=options, actor=current_user)
        db.session.commit()  # queues the job for the worker (panel.queue)
        return redirect(url_for("results.job_status", round_id=round_.id, job_id=job.id))
    query: dict[str, Any] = {"anonymise": "y"} if options.anonymise else {}
    if options.fmt == "feedback":
        query["comments"] = list(options.comments) or ["none"]
    return redirect(url_for("results.download_now", round_id=round_.id, fmt=options.fmt, **query))


@bp.route("/rounds/<int:round_id>/export/<fmt>")
@policy("staff")
def download_now(round_id: int, fmt: str) -> Any:
    """Stream a small export straight back to the browser."""
    round_ = round_or_404(round_id)
    if fmt not in ex.FORMATS:
        abort(404)
    comments = tuple(c for c in request.args.getlist("comments") if c in ex.COMMENT_CHOICES)
    if not request.args.getlist("comments"):
        comments = ex.COMMENT_CHOICES
    options = ex.ExportOptions(
        fmt, anonymise=bool(request.args.get("anonymise")), comments=comments
    )
    if options.fmt in STREAMED:
        return _stream(round_, options)
    if jobs.needs_job(round_, options):
        flash("This export is large, so it is made in the background. Choose it again below.")
        return redirect(url_for("results.export_page", round_id=round_.id))
    # Small by definition (large exports are jobs): made in memory, then sent.
    out = io.BytesIO()
    try:
        ex.write_export(round_, options, out)
    except (ex.ExportError, ResultsUnavailable) as exc:
        db.session.rollback()
        flash(str(exc))
        return redirect(url_for("results.export_page", round_id=round_.id))
    record_export(round_=round_, options=options, actor=current_user, via=VIA_WEB)
    filename = ex.export_filename(round_, fmt, anonymise=options.anonymise)
    db.session.commit()
    out.seek(0)
    return _file_response(out, filename=filename, mimetype=ex.FORMATS[fmt][1])


def _stream(round_: FundingRound, options: ex.ExportOptions) -> Any:
    """The per-score csv, streamed as it is read whatever the round's size (never a job)."""
    # A connection of its own: closed when the response is (never direct_passthrough, whose
    # response object, with its on-close callbacks, is dropped before the body is sent).
    reading = ExitStack()
    conn = reading.enter_context(jobs.reading_connection())
    try:
        chunks = scores_csv_chunks(round_, anonymise=options.anonymise, conn=conn)
    except ResultsUnavailable as exc:
        reading.close()
        db.session.rollback()
        flash(str(exc))
        return redirect(url_for("results.export_page", round_id=round_.id))
    record_export(round_=round_, options=options, actor=current_user, via=VIA_WEB)
    filename = ex.export_filename(round_, options.fmt, anonymise=options.anonymise)
    db.session.commit()
    response = Response(chunks, mimetype=ex.FORMATS[options.fmt][1])
    response.call_on_close(reading.close)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/rounds/<int:round_id>/export/jobs/<int:job_id>")
@policy("staff")
def job_status(round_id: int, job_id: int) -> Any:
    """A background export's progress; the page refreshes itself until the file is ready."""
    round_ = round_or_404(round_id)
    job = _job_or_404(round_, job_id)
    if liveness.fail_if_dead(job.id):  # its worker died: say so for good (item 45)
        db.session.refresh(job)
    db.session.commit()
    state = liveness.shown(job)
    percent = int(100 * job.progress / job.total) if job.total else 0
    working = state.working
    response = current_app.make_response(
        render_template(
            "results/export_job.html",
            round=round_,
            job=job,
            state=state,
            percent=min(percent, 100),
            working=working,
            label=ex.FORMAT_LABELS.get(jobs.options_of(job).fmt, job.format),
            options=jobs.options_of(job),
            form=ConfirmForm(),
        )
    )
    if working:
        # The Refresh header reloads the page every 3 seconds without any script (strict CSP).
        response.headers["Refresh"] = "3"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/rounds/<int:round_id>/export/jobs/<int:job_id>/download")
@policy("staff")
def download(round_id: int, job_id: int) -> Any:
    """The finished file of a background export."""
    round_ = round_or_404(round_id)
    job = _job_or_404(round_, job_id)
    if job.status != "done" or job.content is None:
        abort(404)
    fmt = jobs.options_of(job).fmt
    return _file_response(
        io.BytesIO(job.content),
        filename=job.filename or ex.export_filename(round_, fmt, anonymise=job.anonymise),
        mimetype=ex.FORMATS[fmt][1],
    )
