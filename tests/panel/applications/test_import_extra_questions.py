"""Issue 19: a spreadsheet's column headed with an extra question's wording fills its answer."""

import io
from collections.abc import Callable

from flask.testing import FlaskClient

from panel.applications import extras
from panel.applications.matching import guess_mapping
from panel.extensions import db
from panel.models import Application, FundingRound, Stage, User
from panel.models.application import ApplicationImport
from tests.conftest import AuthActions
from tests.panel.applications.conftest import HEADERS, sheet_row, xlsx_bytes


def test_extra_questions_are_matched_by_header_checked_and_imported(
    client: FlaskClient, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(stage=Stage.APPLICATIONS)
    volunteers = extras.add_question(
        round_=round_, label="How many volunteers?", kind="number", required=True, actor=staff
    )
    insured = extras.add_question(
        round_=round_, label="Insured?", kind="yes_no", required=False, actor=staff
    )
    db.session.commit()
    headers = [*HEADERS, "how many VOLUNTEERS", "Insured?"]
    assert guess_mapping(headers, [volunteers, insured])[volunteers.key] == len(HEADERS)
    AuthActions(client).login(staff)
    bad = [
        [*sheet_row(organisation_name="Group 1", project_title="P1"), "twelve", "Yes"],
        [*sheet_row(organisation_name="Group 2", project_title="P2"), "8", "no"],
    ]
    response = client.post(
        f"/rounds/{round_.id}/applications/import",
        data={"file": (io.BytesIO(xlsx_bytes(bad, headers=headers)), "a.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "How many volunteers?: Enter a number, like 12" in page
    # Staff's own column choices keep the extra questions.
    upload = db.session.execute(db.select(ApplicationImport)).scalar_one()
    columns = client.get(f"{response.location}/columns").get_data(as_text=True)
    assert "How many volunteers?" in columns
    form = {key: str(i) for key, i in upload.mapping.items()}
    assert client.post(f"{response.location}/columns", data=form).status_code == 302
    db.session.refresh(upload)
    assert upload.mapping[insured.key] == len(HEADERS) + 1

    good = [row[:] for row in bad]
    good[0][-2] = "12"
    response = client.post(
        f"/rounds/{round_.id}/applications/import",
        data={"file": (io.BytesIO(xlsx_bytes(good, headers=headers)), "b.xlsx")},
        content_type="multipart/form-data",
    )
    assert client.post(f"{response.location}/run", data={}).status_code == 302
    imported = list(db.session.execute(db.select(Application).order_by(Application.id)).scalars())
    assert [a.extra_answers for a in imported] == [
        {volunteers.key: "12", insured.key: "Yes"},
        {volunteers.key: "8", insured.key: "No"},
    ]
