"""The local stubs in stubs/ match the installed Flask-WTF and Flask-Login.

mypy trusts these stubs; if a library upgrade renames or drops something they declare, or
changes a signature, this test says so before mypy goes on checking against a library that no
longer exists.
"""

import ast
import importlib
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

STUBS = Path(__file__).resolve().parents[1] / "stubs"
KINDS = {
    "posonlyargs": inspect.Parameter.POSITIONAL_ONLY,
    "args": inspect.Parameter.POSITIONAL_OR_KEYWORD,
    "kwonlyargs": inspect.Parameter.KEYWORD_ONLY,
}


def stub_files() -> list[Path]:
    return sorted(STUBS.rglob("*.pyi"))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(STUBS).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def stub_parameters(node: ast.FunctionDef) -> list[tuple[str, inspect._ParameterKind]]:
    """(name, kind) of each parameter the stub declares, as inspect names them."""
    a = node.args
    found = [(p.arg, KINDS["posonlyargs"]) for p in a.posonlyargs]
    found += [(p.arg, KINDS["args"]) for p in a.args]
    if a.vararg:
        found.append((a.vararg.arg, inspect.Parameter.VAR_POSITIONAL))
    found += [(p.arg, KINDS["kwonlyargs"]) for p in a.kwonlyargs]
    if a.kwarg:
        found.append((a.kwarg.arg, inspect.Parameter.VAR_KEYWORD))
    return found


def real_parameters(function: Callable[..., Any]) -> list[tuple[str, inspect._ParameterKind]]:
    return [(p.name, p.kind) for p in inspect.signature(function).parameters.values()]


def is_property(node: ast.FunctionDef) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "property" for d in node.decorator_list)


def declared(path: Path) -> list[tuple[str, str, ast.AST]]:
    """(owner, name, node) for every public name a stub declares: owner "" is the module."""
    found: list[tuple[str, str, ast.AST]] = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom):
            found += [("", alias.asname, node) for alias in node.names if alias.asname]
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            found.append(("", node.name, node))
            if isinstance(node, ast.ClassDef):
                for member in node.body:
                    if isinstance(member, ast.FunctionDef):
                        found.append((node.name, member.name, member))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            found.append(("", node.target.id, node))
    return [(owner, name, node) for owner, name, node in found if not name.startswith("_")]


CASES = [
    pytest.param(
        path, owner, name, node, id=f"{module_name(path)}.{owner}.{name}".replace("..", ".")
    )
    for path in stub_files()
    for owner, name, node in declared(path)
] + [
    pytest.param(path, "", "__init__", node, id=f"{module_name(path)}.{node.name}.__init__")
    for path in stub_files()
    for node in ast.parse(path.read_text(encoding="utf-8")).body
    if isinstance(node, ast.ClassDef)
    and any(isinstance(m, ast.FunctionDef) and m.name == "__init__" for m in node.body)
]


def test_there_are_stubs_to_check() -> None:
    """Both libraries' stubs are found, so the checks below are not vacuous."""
    assert {module_name(p) for p in stub_files()} >= {"flask_wtf", "flask_login"}
    assert len(CASES) > 15


@pytest.mark.parametrize(("path", "owner", "name", "node"), CASES)
def test_stub_matches_the_installed_library(
    path: Path, owner: str, name: str, node: ast.AST
) -> None:
    """Every name a stub declares exists in the library, and functions take the same parameters."""
    module = importlib.import_module(module_name(path))
    if name == "__init__" and owner == "":  # a class's constructor, listed by class
        assert isinstance(node, ast.ClassDef)
        owner = node.name
        node = next(m for m in node.body if isinstance(m, ast.FunctionDef) and m.name == name)
    where = getattr(module, owner) if owner else module
    assert hasattr(where, name), f"{module.__name__}.{owner or ''} has no {name}"
    if isinstance(node, ast.FunctionDef) and not is_property(node):
        real = inspect.getattr_static(where, name)
        assert real_parameters(real) == stub_parameters(node)
