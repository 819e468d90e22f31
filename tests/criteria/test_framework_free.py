"""criteria/ is framework-free: importing it loads no web, database, form or workbook library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("flask", "sqlalchemy", "wtforms", "openpyxl")
PROBE = (
    "import criteria, sys; "
    "print(criteria.__file__); "
    f"print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})))"
)


def test_importing_criteria_in_a_fresh_interpreter_loads_no_framework() -> None:
    completed = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    location, loaded = completed.stdout.splitlines()
    assert Path(location) == ROOT / "criteria" / "__init__.py"
    assert loaded == ""


def test_no_module_of_criteria_names_a_framework() -> None:
    sources = list((ROOT / "criteria").glob("*.py"))
    assert sources
    for source in sources:
        text = source.read_text(encoding="utf-8")
        for name in FORBIDDEN:
            assert f"import {name}" not in text, source
            assert f"from {name}" not in text, source
