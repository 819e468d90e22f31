"""Every numbered line of docs/security.md is named by at least one test's docstring.

A test names an item with "Item 5: ..." or "Items 7 and 13: ..." (also "items 1-4") in its own
docstring. Module docstrings do not count, and neither does this file. tests/security/README.md
says which tests prove which item.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECKLIST = ROOT / "docs" / "security.md"
ITEM_LINE = re.compile(r"^(\d+)\.\s", re.MULTILINE)
NAMED = re.compile(r"\b[Ii]tems? (\d+(?:\s*(?:,|and|-|–)\s*\d+)*)")


def checklist_items() -> list[int]:
    assert CHECKLIST.is_file(), f"{CHECKLIST} is missing: the checklist lives in docs/"
    return [int(n) for n in ITEM_LINE.findall(CHECKLIST.read_text(encoding="utf-8"))]


def numbers_in(docstring: str) -> set[int]:
    """The item numbers a docstring names: "Item 5", "Items 7 and 13", "items 1-4"."""
    found: set[int] = set()
    for group in NAMED.findall(docstring):
        for part in re.split(r"\s*(?:,|and)\s*", group):
            ends = [int(n) for n in re.split(r"\s*[-–]\s*", part) if n]
            found.update(range(ends[0], ends[-1] + 1))
    return found


def docstrings_of_tests() -> dict[str, str]:
    """Docstrings of every test function under tests/, keyed "path::name" (this file aside)."""
    out = {}
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        if path.resolve() == Path(__file__).resolve():
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
                "test_"
            ):
                out[f"{path.relative_to(ROOT)}::{node.name}"] = ast.get_docstring(node) or ""
    return out


def test_the_checklist_is_numbered_1_to_n_without_gaps() -> None:
    """The checklist's numbered lines run 1, 2, 3 ... with none missing or repeated."""
    items = checklist_items()
    assert items == list(range(1, len(items) + 1)) and len(items) >= 27, items


def test_every_checklist_item_is_named_by_a_test_docstring() -> None:
    """Each numbered line of docs/security.md has at least one test whose docstring names it."""
    named: dict[int, list[str]] = {}
    for test, docstring in docstrings_of_tests().items():
        for number in numbers_in(docstring):
            named.setdefault(number, []).append(test)
    missing = [n for n in checklist_items() if n not in named]
    assert missing == [], f"docs/security.md items no test docstring names: {missing}"


def test_every_security_test_names_its_item() -> None:
    """Each test in tests/security names the checklist item it proves, in its docstring."""
    items = set(checklist_items())
    for test, docstring in docstrings_of_tests().items():
        if not test.startswith("tests/security/"):
            continue
        numbers = numbers_in(docstring)
        assert numbers, f"{test} names no docs/security.md item in its docstring"
        assert numbers <= items, f"{test} names an item docs/security.md does not have: {numbers}"


def test_the_docstring_reader_understands_lists_and_ranges() -> None:
    """The reader takes "Item 5", "Items 7 and 13", "items 1-4" and "Items 2, 4 and 6"."""
    assert numbers_in("Item 5: x") == {5}
    assert numbers_in("Items 7 and 13: x") == {7, 13}
    assert numbers_in("docs/security.md items 1-4") == {1, 2, 3, 4}
    assert numbers_in("Items 2, 4 and 6: x") == {2, 4, 6}
    assert numbers_in("no item here; 5 items") == set()
