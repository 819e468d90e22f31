"""The shape of the code that docs/architecture.md describes, checked.

import-linter (run by `make test`) enforces the layer order; these tests keep its contracts
complete as modules are added, keep modules readable in one sitting, and keep stage rules out of
templates.
"""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AREAS = (
    "auth",
    "fund",
    "ideas",
    "welcome",
    "rounds",
    "codesign",
    "applications",
    "scoring",
    "coproduction",
    "results",
)
# Modules of an area that are the web layer, or the area's entry points above its services.
WEB_OR_ENTRY = re.compile(r"(^|\.)(views|forms|cli|demo|__init__)$|_views$|\.views\.")
MAX_LINES = 500


def contract(name: str) -> dict[str, object]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    return next(c for c in contracts if c["name"] == name)


def area_modules() -> list[str]:
    found = []
    for area in AREAS:
        for path in sorted((ROOT / "panel" / area).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found.append(".".join(parts))
    return found


def covered(module: str, sources: list[str]) -> bool:
    return any(module == s or module.startswith(s + ".") for s in sources)


def test_every_service_module_is_held_to_the_no_web_layer_contract() -> None:
    """Each area module that is not a view, form, CLI or demo is listed in the contract."""
    sources = contract("Services and queries never import the web layer")["source_modules"]
    assert isinstance(sources, list)
    missing = [
        m
        for m in area_modules()
        if not WEB_OR_ENTRY.search(m)
        and not m.startswith("panel.codesign.views")
        and not covered(m, sources)
    ]
    assert missing == [], (
        f"add these to both service contracts in pyproject.toml (or name them *_views): {missing}"
    )


def test_both_service_contracts_list_the_same_modules() -> None:
    """The direct-import contract covers exactly the modules of the layered one."""
    first = contract("Services and queries never import the web layer")["source_modules"]
    second = contract("Services take the actor as an argument: no request helpers")
    assert first == second["source_modules"]


def test_no_module_of_the_app_is_longer_than_one_sitting() -> None:
    """No Python module under panel/ or criteria/ passes about 500 lines."""
    long = {
        str(p.relative_to(ROOT)): n
        for folder in ("panel", "criteria")
        for p in (ROOT / folder).rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


STAGE_TEST = re.compile(r"stage\s*(==|!=|in\b|not\s+in\b)|current_stage|\b_stage\b")


def test_templates_never_test_a_rounds_stage_name() -> None:
    """Stage rules live in Python: templates get booleans and sentences, never stage names."""
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = " ".join(re.findall(r"\{[%{](.*?)[%}]\}", line))
            if STAGE_TEST.search(code):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
