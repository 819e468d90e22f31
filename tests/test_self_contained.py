"""The repository stands on its own: a clone with nothing beside it has all it needs.

A user's clone has no folder of reference material next to it, so no tracked file may name one,
and no code may reach above the repository's root. The last test copies the tracked files into an
empty folder and runs part of the suite there, where nothing lies beside the copy.
"""

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Spelled in parts so that this file does not itself name the folder it looks for.
NEIGHBOUR = "/".join(["..", "shared"])
TEXT_SUFFIXES = {".py", ".md", ".html", ".txt", ".toml", ".cfg", ".ini", ".js", ".css", ".json"}


def tracked_files() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    return [ROOT / name for name in out.split("\0") if name]


def text_files() -> list[Path]:
    names = {"Makefile", "run"}
    return [
        p for p in tracked_files() if p.is_file() and (p.suffix in TEXT_SUFFIXES or p.name in names)
    ]


def test_no_tracked_file_names_a_folder_beside_the_repository() -> None:
    """No file of the product, its tests, docs or CI names the reference folder beside it."""
    offenders = [
        str(p.relative_to(ROOT))
        for p in text_files()
        if NEIGHBOUR in p.read_text(encoding="utf-8", errors="replace")
    ]
    assert offenders == []


def _parents_index(node: ast.Subscript) -> int | None:
    """N in `<something>.parents[N]`, or None."""
    value = node.value
    if isinstance(value, ast.Attribute) and value.attr == "parents":
        index = node.slice
        if isinstance(index, ast.Constant) and isinstance(index.value, int):
            return index.value
    return None


def test_no_python_file_reaches_above_the_repository_root() -> None:
    """`Path(__file__).parents[N]` never climbs above the root, and no path joins ".." to it."""
    problems = []
    for path in text_files():
        if path.suffix != ".py":
            continue
        depth = len(path.relative_to(ROOT).parts) - 1  # parents[depth] is the root
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Subscript):
                index = _parents_index(node)
                if index is not None and index > depth:
                    problems.append(f"{path.relative_to(ROOT)}:{node.lineno} parents[{index}]")
            if (
                isinstance(node, ast.BinOp)
                and isinstance(node.op, ast.Div)
                and isinstance(node.right, ast.Constant)
                and node.right.value == ".."
            ):
                problems.append(f'{path.relative_to(ROOT)}:{node.lineno} / ".."')
    assert problems == []


@pytest.mark.slow
def test_a_copy_of_the_tracked_files_passes_its_own_checks_alone(tmp_path: Path) -> None:
    """Tracked files copied into an empty folder run the engine, checklist and 360Giving tests."""
    copy = tmp_path / "clone"
    for source in tracked_files():
        if not source.is_file():
            continue
        target = copy / source.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    assert not (tmp_path / "shared").exists()
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    env["PYTHONPATH"] = str(copy)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/criteria",
            "tests/security/test_checklist.py",
            "tests/panel/results/test_exports.py",
            "-k",
            "not libreoffice and not browser",
        ],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert " passed" in result.stdout
