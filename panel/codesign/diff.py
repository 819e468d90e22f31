"""A readable word diff of a criterion's versions, as escaped HTML with <ins> and <del>."""

import difflib
import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

_TOKENS = re.compile(r"\s+|\S+\s*")


def word_diff(old: str, new: str) -> Markup:
    """Words removed in <del>, words added in <ins>, the rest as is; all user text escaped.

    Words are compared without the spaces after them, so a changed phrase reads as one
    removed phrase and one added phrase rather than alternating single words."""
    a = _TOKENS.findall(old or "")
    b = _TOKENS.findall(new or "")
    out: list[str] = []
    matcher = difflib.SequenceMatcher(
        a=[t.strip() for t in a], b=[t.strip() for t in b], autojunk=False
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(str(escape("".join(b[j1:j2]))))
            continue
        if op in ("delete", "replace"):
            removed = "".join(a[i1:i2])
            out.append(
                f"<del>{escape(removed.rstrip())}</del>{escape(removed[len(removed.rstrip()) :])}"
            )
        if op in ("insert", "replace"):
            added = "".join(b[j1:j2])
            out.append(f"<ins>{escape(added.rstrip())}</ins>{escape(added[len(added.rstrip()) :])}")
    return Markup("".join(out))  # noqa: S704 - every piece above is escaped


@dataclass(frozen=True)
class Change:
    """One part of the wording that changed between two versions."""

    label: str
    diff: Markup


KIND_LABELS = {"scored": "Scored", "eligibility": "Pass or fail"}


PRIVATE_CHANGE = Markup("Changed: a note shared with staff only")


def version_changes(
    before: Any, after: Any, levels: range, *, hide_why: bool = False
) -> list[Change]:
    """What changed from one version to the next, part by part, in reading order. With
    `hide_why`, a change to "why it matters" is named but its words are not shown."""
    out = []
    for attr, label in (
        ("title", "Title"),
        ("description", "What it means"),
        ("why", "Why it matters"),
    ):
        old, new = getattr(before, attr) or "", getattr(after, attr) or ""
        if old != new:
            out.append(
                Change(label, PRIVATE_CHANGE if attr == "why" and hide_why else word_diff(old, new))
            )
    if before.kind != after.kind:
        out.append(
            Change(
                "Kind",
                word_diff(KIND_LABELS.get(before.kind, ""), KIND_LABELS.get(after.kind, "")),
            )
        )
    old_levels, new_levels = before.descriptors or {}, after.descriptors or {}
    for level in levels:
        old, new = old_levels.get(str(level), ""), new_levels.get(str(level), "")
        if old != new:
            out.append(Change(f"What a {level} looks like", word_diff(old, new)))
    return out
