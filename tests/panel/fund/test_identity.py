"""The fund's identity: set by staff, checked, audited, shown on public pages; the exports that
name the funder refuse to run while it is the placeholder."""

import io
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from panel.extensions import db
from panel.fund import identity
from panel.fund.images import ImageRefused, check_image
from panel.models import AuditEvent, Fund, Stage, User
from tests import pictures
from tests.conftest import AuthActions
from tests.factories import gen_round
from tests.worlds import gen_worked_round

IDENTITY = {
    "fund_name": "Riverside Community Fund",
    "funder_name": "Riverside Homes",
    "funder_org_id": "GB-COH-01234567",
    "giving_prefix": "360G-riverside",
    "public_address": "1 River Street\nLeeds LS1 1AA",
    "public_phone": "0113 496 0000",
    "public_email": "fund@riverside.example",
    "brand_colour": "#1D70B8",
}


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """No PANEL_FUNDER_* in the config: the identity comes from the settings page alone."""
    for key in ("PANEL_FUNDER_NAME", "PANEL_FUNDER_ORG_ID", "PANEL_360G_PREFIX"):
        app_config.pop(key, None)
    return app_config


def _save(client: FlaskClient, **changes: Any) -> Any:
    version = str(db.session.get(Fund, 1).version if db.session.get(Fund, 1) else 0)
    db.session.expire_all()
    return client.post(
        "/fund/identity",
        data={**IDENTITY, "version": version, **changes},
        content_type="multipart/form-data",
    )


def test_staff_set_the_identity_which_is_audited_and_shown_on_public_pages(
    client: FlaskClient, staff: User
) -> None:
    auth = AuthActions(client)
    auth.login(staff)
    assert identity.identity().placeholder
    response = _save(client, logo=(io.BytesIO(pictures.png()), "logo.png"))
    assert response.status_code == 302, response.get_data(as_text=True)
    found = identity.identity()
    assert (found.funder_name, found.funder_org_id, found.giving_prefix) == (
        "Riverside Homes",
        "GB-COH-01234567",
        "360G-riverside",
    )
    assert not found.placeholder and found.has_logo and found.brand_colour == "#1d70b8"
    actions = db.session.execute(db.select(AuditEvent.action, AuditEvent.after)).all()
    changed = [after for action, after in actions if action == "fund.identity_changed"]
    assert changed and changed[0]["funder_org_id"] == "GB-COH-01234567"
    assert any(action == "fund.logo_changed" for action, _ in actions)

    auth.logout()
    round_ = gen_round(slug="closed-round", stage=Stage.SCORING)
    db.session.commit()
    page = client.get(f"/apply/{round_.slug}").get_data(as_text=True)
    assert "Riverside Community Fund" in page and "from Riverside Homes" in page
    assert "0113 496 0000" in page and "fund@riverside.example" in page
    assert "housing association's community team" not in page
    assert "Grant Panel" in page.split('class="footer"')[1]  # the product, in the footer only
    assert "Grant Panel</a>" not in page
    logo = client.get("/brand/logo")
    assert logo.mimetype == "image/png" and logo.data == pictures.png()
    css = client.get("/brand/colour.css").get_data(as_text=True)
    assert "background:#1d70b8" in css


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"brand_colour": "#ffdd00"}, "White text on #ffdd00 is too hard to read"),
        ({"brand_colour": "blue"}, "Enter the colour as # and six letters or digits"),
        ({"funder_org_id": "Riverside"}, "Enter an org-id in the org-id.guide form"),
        ({"giving_prefix": "riverside"}, "starting 360G-"),
        ({"public_email": "fund at riverside"}, "Enter an email address"),
    ],
)
def test_bad_details_are_refused_with_a_message_by_the_field(
    client: FlaskClient, staff: User, changes: dict[str, str], message: str
) -> None:
    AuthActions(client).login(staff)
    response = _save(client, **changes)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.get(Fund, 1) is None  # nothing saved


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (pictures.RENAMED_EXE, "not a PNG or JPEG picture"),
        (pictures.SVG_WITH_SCRIPT, "not a PNG or JPEG picture"),
        (pictures.png()[:-8], "looks damaged"),
        (pictures.png_claiming(50_000, 50_000), "pixels"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 300_000, "200 KB or smaller"),
    ],
)
def test_a_logo_that_is_not_a_small_whole_picture_is_refused(
    client: FlaskClient, staff: User, data: bytes, message: str
) -> None:
    """Item 75: the logo is checked by content (a renamed program, an SVG with a script, a cut
    PNG, a picture bomb and an oversized file are refused) and nothing is saved."""
    AuthActions(client).login(staff)
    response = _save(client, logo=(io.BytesIO(data), "logo.png"))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.get(Fund, 1) is None


def test_the_image_check_takes_whole_pngs_and_jpegs_only() -> None:
    assert check_image(pictures.png(5, 7), max_bytes=10_000).content_type == "image/png"
    assert (check_image(pictures.jpeg(9, 4), max_bytes=10_000).width, 9) == (9, 9)
    with pytest.raises(ImageRefused):
        check_image(pictures.jpeg()[:-2], max_bytes=10_000)


def test_colour_contrast_follows_wcag() -> None:
    assert round(identity.contrast_with_white("#000000"), 1) == 21.0
    assert identity.contrast_with_white("#1d70b8") >= 4.5
    assert identity.contrast_with_white("#ffdd00") < 4.5


def test_exports_naming_the_funder_refuse_while_it_is_the_placeholder(
    app: Flask, client: FlaskClient, staff: User, runner: Any, tmp_path: Any
) -> None:
    worked = gen_worked_round(staff)
    round_ = worked["round"]
    db.session.commit()
    AuthActions(client).login(staff)
    export_page = client.get(f"/rounds/{round_.id}/export").get_data(as_text=True)
    assert "need the funder's name, org-id and 360Giving prefix first" in export_page
    for fmt in ("360giving", "360giving-json", "feedback"):
        response = client.get(f"/rounds/{round_.id}/export/{fmt}", follow_redirects=True)
        text = response.get_data(as_text=True)
        assert "still the placeholder" in text and "/fund/identity" in text, fmt
        result = runner.invoke(
            args=["export", round_.slug, "--format", fmt, "--output", str(tmp_path / "x")]
        )
        assert result.exit_code == 1 and "Fund settings" in result.output, result.output
        assert not (tmp_path / "x").exists()
    assert _save(client).status_code == 302
    response = client.get(f"/rounds/{round_.id}/export/feedback")
    assert response.status_code == 200 and response.data.startswith(b"PK")


def test_the_config_file_overrides_the_saved_funder(app: Flask, staff: User) -> None:
    app.config["PANEL_FUNDER_NAME"] = "Configured Homes"
    app.config["PANEL_FUNDER_ORG_ID"] = "GB-CHC-1234567"
    app.config["PANEL_360G_PREFIX"] = "360G-configured"
    found = identity.identity()
    assert found.funder_name == "Configured Homes" and not found.placeholder
    assert set(found.overridden) == {"funder_name", "funder_org_id", "giving_prefix"}
