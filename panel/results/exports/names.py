"""How people and criteria are named in an export."""

from collections.abc import Sequence

from panel.extensions import db
from panel.models import Conflict, Review, RoundMember, RubricCriterion, User


class Names:
    """How people appear in an export: names, or "Panellist N" numbered by account id."""

    def __init__(self, round_id: int, *, anonymise: bool) -> None:
        self.anonymise = anonymise
        ids: set[int] = set()
        for query in (
            db.select(RoundMember.user_id).where(RoundMember.round_id == round_id),
            db.select(Review.panellist_id).where(Review.round_id == round_id),
            db.select(Conflict.panellist_id).where(Conflict.round_id == round_id),
        ):
            ids.update(db.session.execute(query).scalars())
        self.panellist_ids = sorted(ids)
        people = {
            uid: (name, role)
            for uid, name, role in db.session.execute(
                db.select(User.id, User.display_name, User.role)
            )
        }
        self._labels: dict[int, str] = {}
        if anonymise:
            for number, uid in enumerate(self.panellist_ids, start=1):
                self._labels[uid] = f"Panellist {number}"
            for uid, (_name, role) in people.items():
                self._labels.setdefault(uid, "Staff" if role == "staff" else "Resident")
            return
        seen: dict[str, int] = {}
        for name, _role in people.values():
            seen[name] = seen.get(name, 0) + 1
        for uid, (name, _role) in people.items():
            # Two people with one name would merge in a recomputation: the id tells them apart.
            self._labels[uid] = name if seen[name] == 1 else f"{name} (#{uid})"

    def __call__(self, user_id: int | None) -> str:
        if user_id is None:
            return ""
        return self._labels.get(user_id, f"Person #{user_id}")


def criterion_titles(scored: Sequence[RubricCriterion]) -> dict[int, str]:
    """Each scored criterion's title as its columns show it (numbered if two share a title)."""
    titles: dict[int, str] = {}
    used: set[str] = set()
    for c in scored:
        title = c.title.strip() or f"Criterion {c.position}"
        if title in used:
            title = f"{title} ({c.position})"
        used.add(title)
        titles[c.id] = title
    return titles
