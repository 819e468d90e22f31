"""When a round takes imports and eligibility checks: decided once, and every page agrees."""

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from panel.applications.eligibility import eligibility_open, eligibility_over
from panel.applications.importer import imports_open
from panel.models import Application, FundingRound, Role, Stage, User
from tests.conftest import AuthActions

BEFORE_SCORING = (Stage.CODESIGN, Stage.APPLICATIONS, Stage.ELIGIBILITY)
IMPORT_LINK = "Import applications from a spreadsheet"
IMPORT_BUTTON = "Import from a spreadsheet"
CHECK_LINK = ">Check eligibility</a>"


@pytest.mark.parametrize("stage", list(Stage))
def test_imports_are_open_until_scoring_starts(stage: Stage) -> None:
    assert imports_open(FundingRound(stage=stage)) is (stage in BEFORE_SCORING)


@pytest.mark.parametrize("stage", list(Stage))
def test_eligibility_is_to_come_then_open_at_its_stage_then_over(stage: Stage) -> None:
    round_ = FundingRound(stage=stage)
    assert eligibility_open(round_) is (stage is Stage.ELIGIBILITY)
    assert eligibility_over(round_) is (stage in (Stage.SCORING, Stage.PANEL, Stage.DECIDED))


@pytest.mark.parametrize("stage", list(Stage))
def test_staff_pages_offer_the_import_and_the_checks_only_when_the_round_takes_them(
    client: FlaskClient,
    staff: User,
    make_round: Callable[..., FundingRound],
    make_application: Callable[..., Application],
    stage: Stage,
) -> None:
    round_ = make_round(stage=stage)
    make_application(round_)
    AuthActions(client).login(staff)
    round_page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    listing = client.get(f"/rounds/{round_.id}/applications").get_data(as_text=True)
    upload = client.get(f"/rounds/{round_.id}/applications/import").get_data(as_text=True)
    takes_imports = stage in BEFORE_SCORING
    assert (IMPORT_LINK in round_page) is takes_imports
    assert (IMPORT_BUTTON in listing) is takes_imports
    assert ("scoring has started" in upload) is not takes_imports
    assert (CHECK_LINK in round_page) is (stage is Stage.ELIGIBILITY)


@pytest.mark.parametrize(
    ("stage", "said"),
    [
        (Stage.APPLICATIONS, "Eligibility is checked when the round reaches"),
        (Stage.ELIGIBILITY, None),
        (Stage.SCORING, "The eligibility check stage is over"),
    ],
)
def test_the_eligibility_page_says_whether_checks_are_to_come_or_over(
    client: FlaskClient,
    staff: User,
    make_round: Callable[..., FundingRound],
    stage: Stage,
    said: str | None,
) -> None:
    round_ = make_round(stage=stage)
    AuthActions(client).login(staff)
    page = client.get(f"/rounds/{round_.id}/eligibility").get_data(as_text=True)
    notes = ("Eligibility is checked when the round reaches", "The eligibility check stage is over")
    assert [n for n in notes if n in page] == ([said] if said else [])


@pytest.mark.parametrize(
    ("stage", "said"),
    [
        (Stage.CODESIGN, "Community groups are applying."),
        (Stage.APPLICATIONS, "Community groups are applying."),
        (Stage.ELIGIBILITY, "Staff are checking that the 2 applications can be funded."),
        (Stage.SCORING, "1 eligible application went to the panel."),
        (Stage.DECIDED, "1 eligible application went to the panel."),
    ],
)
def test_the_round_page_tells_a_panellist_where_the_applications_are(
    client: FlaskClient,
    make_user: Callable[..., User],
    make_round: Callable[..., FundingRound],
    make_application: Callable[..., Application],
    stage: Stage,
    said: str,
) -> None:
    panellist = make_user(Role.RESIDENT)
    round_ = make_round(stage=stage, members=(panellist,))
    make_application(round_, status="eligible")
    make_application(round_, status="ineligible")
    AuthActions(client).login(panellist)
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    sentences = (
        "Community groups are applying.",
        "Staff are checking that",
        "eligible application went to the panel.",
    )
    assert said in page
    assert sum(s in page for s in sentences) == 1
