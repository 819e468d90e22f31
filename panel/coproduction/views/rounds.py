"""A round's co-production (staff): the cost-of-co-production report and its settings, staff
time, and panel meetings with their registers."""

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from panel.access import in_round_or_404, policy, round_or_404
from panel.coproduction import bp
from panel.coproduction.charts import hours, time_chart
from panel.coproduction.forms import (
    MeetingForm,
    SettingsForm,
    StaffTimeForm,
    register_form,
    total_minutes,
)
from panel.coproduction.services import activity, meetings, report, settings, staff_time
from panel.coproduction.services.errors import CoproductionError
from panel.coproduction.views.common import show_refusal
from panel.extensions import db
from panel.forms import choices
from panel.models import Attendance, CoproStage, FundingRound, PanelMeeting, User
from panel.models.types import uk_today


@bp.route("/rounds/<int:round_id>/coproduction")
@policy("staff")
def report_page(round_id: int) -> Any:
    """What co-production took and gave in this round: plain words first, figures after."""
    round_ = round_or_404(round_id)
    found = report.round_report(round_)
    chart = time_chart(
        [(line.label, line.resident_minutes, line.staff_minutes) for line in found.stages]
    )
    return render_template(
        "coproduction/report.html",
        round=round_,
        report=found,
        chart=chart,
        hours=hours,
        statuses=list(found.expense_totals),
    )


@bp.route("/rounds/<int:round_id>/coproduction/settings", methods=["GET", "POST"])
@policy("staff")
def round_settings(round_id: int) -> Any:
    """The hourly rate for residents' time (and its source), and publishing the totals."""
    round_ = round_or_404(round_id)
    saved = settings.settings_of(round_)
    if saved is not None:
        data = {
            "rate": saved.hourly_rate_pence,
            "rate_source": saved.rate_source,
            "publish": saved.totals_published,
        }
    else:
        rate, source = settings.suggested_rate()
        data = {"rate": rate, "rate_source": source, "publish": False}
    form = SettingsForm(data=data)
    if form.validate_on_submit():
        try:
            settings.save_settings(
                round_=round_,
                rate_pence=form.rate.data,
                rate_source=form.rate_source.data or "",
                publish=bool(form.publish.data),
                actor=current_user,
            )
        except CoproductionError as exc:
            show_refusal(form, exc)
        else:
            db.session.commit()
            flash("The report's settings have been saved.", "success")
            return redirect(url_for("coproduction.report_page", round_id=round_.id))
    status = 400 if request.method == "POST" else 200
    return render_template("coproduction/settings.html", round=round_, form=form), status


@bp.route("/rounds/<int:round_id>/staff-time", methods=["GET", "POST"])
@policy("staff")
def staff_time_page(round_id: int) -> Any:
    """The round's staff time, and a form to add some."""
    round_ = round_or_404(round_id)
    people = staff_time.staff_members()
    form = StaffTimeForm(
        data=None
        if request.method == "POST"
        else {
            "staff_id": current_user.id,
            "stage": str(activity.current_part(round_)),
            "worked_on": uk_today(),
        }
    )
    form.staff_id.choices = choices(*((p.id, p.display_name) for p in people))
    if form.validate_on_submit():
        member = db.session.get(User, form.staff_id.data)
        try:
            if member is None:
                raise CoproductionError("Choose a member of staff", field="staff_id")
            staff_time.record_staff_time(
                round_=round_,
                staff_member=member,
                stage=CoproStage(form.stage.data),
                minutes=total_minutes(form),
                worked_on=form.worked_on.data,
                note=form.note.data or "",
                actor=current_user,
            )
        except CoproductionError as exc:
            show_refusal(form, exc)
        else:
            db.session.commit()
            flash("The staff time has been recorded.", "success")
            return redirect(url_for("coproduction.staff_time_page", round_id=round_.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "coproduction/staff_time.html",
        round=round_,
        form=form,
        rows=staff_time.staff_time_of(round_),
        hours=hours,
        stage_labels={str(s): s.label for s in CoproStage},
    ), status


@bp.route("/rounds/<int:round_id>/meetings")
@policy("staff")
def meeting_list(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    found = meetings.meetings_of(round_)
    return render_template(
        "coproduction/meetings.html",
        round=round_,
        meetings=found,
        counts={m.id: meetings.attendance_counts(m) for m in found},
        hours=hours,
    )


def _meeting_page(round_: FundingRound, meeting: PanelMeeting | None) -> Any:
    if meeting is not None:
        data = {
            "held_on": meeting.held_on,
            "place": meeting.place,
            "remote": meeting.remote,
            "hours": meeting.length_minutes // 60,
            "minutes": meeting.length_minutes % 60,
            "quorum": meeting.quorum,
        }
    else:
        length = meetings.default_length()
        data = {
            "hours": length // 60,
            "minutes": length % 60,
            "quorum": meetings.default_quorum(round_),
        }
    form = MeetingForm(data=None if request.method == "POST" else data)
    if form.validate_on_submit():
        details = meetings.MeetingDetails(
            held_on=form.held_on.data,
            place=form.place.data or "",
            remote=bool(form.remote.data),
            length_minutes=total_minutes(form),
            quorum=form.quorum.data,
        )
        try:
            if meeting is None:
                meeting = meetings.create_meeting(
                    round_=round_, details=details, actor=current_user
                )
            else:
                meetings.update_meeting(meeting=meeting, details=details, actor=current_user)
        except CoproductionError as exc:
            show_refusal(form, exc)
        else:
            db.session.commit()
            flash("The meeting has been saved.", "success")
            return redirect(
                url_for("coproduction.register", round_id=round_.id, meeting_id=meeting.id)
            )
    status = 400 if request.method == "POST" else 200
    return render_template(
        "coproduction/meeting.html", round=round_, form=form, meeting=meeting
    ), status


@bp.route("/rounds/<int:round_id>/meetings/new", methods=["GET", "POST"])
@policy("staff")
def new_meeting(round_id: int) -> Any:
    return _meeting_page(round_or_404(round_id), None)


@bp.route("/rounds/<int:round_id>/meetings/<int:meeting_id>", methods=["GET", "POST"])
@policy("staff")
def edit_meeting(round_id: int, meeting_id: int) -> Any:
    round_ = round_or_404(round_id)
    return _meeting_page(round_, in_round_or_404(PanelMeeting, meeting_id, round_))


@bp.route("/rounds/<int:round_id>/meetings/<int:meeting_id>/register", methods=["GET", "POST"])
@policy("staff")
def register(round_id: int, meeting_id: int) -> Any:
    """The meeting's attendance register: present in person, by phone, or apologies."""
    round_ = round_or_404(round_id)
    meeting = in_round_or_404(PanelMeeting, meeting_id, round_)
    people = meetings.register_people(meeting, round_)
    lines = meetings.register_of(meeting)
    form = register_form(
        [p.id for p in people],
        data={f"mark_{p.id}": lines[p.id].status if p.id in lines else None for p in people},
    )
    if form.validate_on_submit():
        marks = {
            p.id: Attendance(value) if (value := form[f"mark_{p.id}"].data) else None
            for p in people
        }
        try:
            changed = meetings.save_register(
                meeting=meeting, round_=round_, marks=marks, actor=current_user
            )
        except CoproductionError as exc:
            db.session.rollback()
            flash(str(exc), "info")
        else:
            db.session.commit()
            flash(
                f"The register has been saved ({changed} "
                f"{'change' if changed == 1 else 'changes'}).",
                "success",
            )
            return redirect(url_for("coproduction.meeting_list", round_id=round_.id))
    summary = meetings.attendance_counts(meeting)
    return render_template(
        "coproduction/register.html",
        round=round_,
        meeting=meeting,
        form=form,
        people=[(p, form[f"mark_{p.id}"]) for p in people],
        summary=summary,
        hours=hours,
    ), (400 if request.method == "POST" else 200)
