"""verify-export: the Summary recomputed from the workbook alone, every mismatch reported."""

import json
from pathlib import Path

from flask import Flask
from openpyxl import load_workbook

from panel.extensions import db
from panel.results.cli import export_command, verify_export_command
from panel.results.synthetic import seed_synthetic
from tests.worlds import gen_worked_panel, ref


def export_to(app: Flask, round_ident: str, path: Path, *extra: str) -> Path:
    result = app.test_cli_runner().invoke(
        export_command, [round_ident, "--output", str(path), *extra]
    )
    assert result.exit_code == 0, result.output
    return path


def verify(app: Flask, path: Path) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(verify_export_command, [str(path)])
    return result.exit_code, result.output


def test_verify_passes_on_the_worked_panel_named_and_anonymised(app: Flask, tmp_path: Path) -> None:
    gen_worked_panel()
    for extra in ((), ("--anonymise",)):
        path = export_to(app, "worked-panel", tmp_path / f"w{len(extra)}.xlsx", *extra)
        code, output = verify(app, path)
        assert code == 0, output
        assert "All figures match: 6 applications recomputed from 54 scores." in output


def test_verify_passes_on_synthetic_rounds_ranked_each_way(app: Flask, tmp_path: Path) -> None:
    round_ = seed_synthetic(applications=25, panellists=6, criteria_count=4, seed=11)
    round_.rank_by = "calibrated"
    round_.quorum = 6  # some applications lose a review to a conflict: "not enough scores"
    round_id = round_.id
    db.session.commit()
    path = export_to(app, str(round_id), tmp_path / "s.xlsx")
    code, output = verify(app, path)
    assert code == 0, output
    book = load_workbook(path, read_only=True)
    try:  # a read-only workbook holds its file open until closed
        summary = list(book["Summary"].iter_rows(values_only=True))
    finally:
        book.close()
    assert any(row[13] and "not enough scores" in row[13] for row in summary[1:])


def test_verify_catches_an_edited_score(app: Flask, tmp_path: Path) -> None:
    gen_worked_panel(calibrate=False)
    path = export_to(app, "worked-panel", tmp_path / "w.xlsx")
    book = load_workbook(path)
    scores = book["Scores"]
    header = [c.value for c in scores[1]]
    # C's panellist 5 gave sheet score 1.0 (1, 1): make it (5, 1), a sheet score of 3.0.
    for row in scores.iter_rows(min_row=2):
        values = dict(zip(header, (c.value for c in row), strict=True))
        if (
            values["Reference"] == ref("C")
            and values["Panellist"] == "Panellist Person 5"
            and values["Criterion"] == "Community benefit"
        ):
            row[header.index("Score")].value = 5
    book.save(path)
    code, output = verify(app, path)
    assert code == 1
    assert f"{ref('C')} Mean: export 3.25, recomputed 3.75" in output
    assert f"{ref('C')} Community benefit mean: export 3.5, recomputed 4.5" in output
    assert f"{ref('C')} Rank: export 4, recomputed 3" in output
    assert ref("A") + " Mean" not in output


def test_verify_catches_an_edited_summary_figure_and_flag(app: Flask, tmp_path: Path) -> None:
    gen_worked_panel()
    path = export_to(app, "worked-panel", tmp_path / "w.xlsx")
    book = load_workbook(path)
    summary = book["Summary"]
    header = [c.value for c in summary[1]]
    for row in summary.iter_rows(min_row=2):
        if row[1].value == ref("D"):
            row[header.index("Percent")].value = 50
            row[header.index("Flag")].value = None
    book.save(path)
    code, output = verify(app, path)
    assert code == 1
    assert f"{ref('D')} Percent: export 50, recomputed 42.0" in output
    assert f"{ref('D')} Flag: export blank, recomputed scores far apart" in output


def test_verify_explains_a_workbook_that_is_not_an_export(app: Flask, tmp_path: Path) -> None:
    from openpyxl import Workbook

    path = tmp_path / "other.xlsx"
    Workbook().save(path)
    code, output = verify(app, path)
    assert code == 1
    assert "has no About sheet" in output
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a zip")
    code, output = verify(app, junk)
    assert code == 1 and "could not be opened as an xlsx workbook" in output


# --------------------------------------------------------------------------- 360Giving JSON


def test_verify_passes_on_a_fresh_360giving_package(app: Flask, tmp_path: Path) -> None:
    gen_worked_panel()
    path = export_to(app, "worked-panel", tmp_path / "grants.json", "--format", "360giving-json")
    code, output = verify(app, path)
    assert code == 0, output
    assert (
        "All 2 grants match the confirmed awards of round 'Worked panel' and the 360Giving "
        "schema." in output
    )
    # Named explicitly, the round gives the same answer.
    named = app.test_cli_runner().invoke(
        verify_export_command, [str(path), "--round", "worked-panel"]
    )
    assert named.exit_code == 0, named.output


def test_verify_says_what_differs_in_a_tampered_package(app: Flask, tmp_path: Path) -> None:
    gen_worked_panel()
    path = export_to(app, "worked-panel", tmp_path / "grants.json", "--format", "360giving-json")
    package = json.loads(path.read_text())
    grants = {g["id"]: g for g in package["grants"]}
    a, e, f = (f"360G-example-{ref(x)}" for x in "AEF")
    grants[a]["amountAwarded"] = 3500
    grants[a]["recipientOrganization"][0]["name"] = "Someone Else"
    grants[a]["awardDate"] = "2020-01-01"
    extra = dict(grants[a], id=e)  # E's decision is only a draft: not an award
    package["grants"] = [grants[a], extra]  # F's award left out
    path.write_text(json.dumps(package))
    code, output = verify(app, path)
    assert code == 1
    lines = output.splitlines()
    assert f"{a} amountAwarded: file £3,500.00, round £3,000.00" in lines
    assert f'{a} recipientOrganization name: file "Someone Else", round "Group A"' in lines
    assert any(line.startswith(f"{a} awardDate: file 2020-01-01, round 20") for line in lines)
    assert f"{e}: in the file, but not a confirmed award of round 'Worked panel'" in lines
    assert f"{f}: a confirmed award of round 'Worked panel', missing from the file" in lines
    assert "5 problem(s): the file does not match" in output
    assert f"{a} amountAppliedFor" not in output  # what matches is not reported


def test_verify_checks_a_package_against_the_schema_too(app: Flask, tmp_path: Path) -> None:
    gen_worked_panel()
    path = export_to(app, "worked-panel", tmp_path / "grants.json", "--format", "360giving-json")
    package = json.loads(path.read_text())
    package["grants"][0]["currency"] = "POUNDS"
    path.write_text(json.dumps(package))
    code, output = verify(app, path)
    assert code == 1
    first = package["grants"][0]["id"]
    assert (
        f"Schema 1.4.3: grant {first}, currency: 'POUNDS' is not one of the 301 values allowed"
        in output
    )
    assert f'{first} currency: file "POUNDS", round "GBP"' in output


def test_verify_explains_a_json_file_it_cannot_place(app: Flask, tmp_path: Path) -> None:
    gen_worked_panel()
    junk = tmp_path / "junk.json"
    junk.write_text("{not json")
    code, output = verify(app, junk)
    assert code == 1 and "could not be read as a JSON file" in output
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text(json.dumps({"grants": [{"id": "360G-other-XX-0001"}]}))
    code, output = verify(app, elsewhere)
    assert code == 1
    assert "say which round the file is from with --round" in output
