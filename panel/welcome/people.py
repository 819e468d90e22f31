"""Each person's record: their phone number, how they like to be contacted, their access needs
and languages. Staff read and change it; it is erased on request. The audit log says which
parts changed, never what they say."""

from dataclasses import asdict, dataclass

from panel.audit import record
from panel.extensions import db
from panel.models import ContactWay, PersonDetails, User
from panel.models.types import utcnow

PHONE_CHARS = set("+0123456789 ()-")


class DetailsError(ValueError):
    """Details that cannot be saved; `problems` lists (field, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems[0][1])
        self.problems = problems


@dataclass(frozen=True)
class Details:
    """What a person's record holds."""

    phone: str = ""
    preferred_contact: str = ""
    access_needs: str = ""
    languages: str = ""


def phone_problem(phone: str) -> str | None:
    """Why this does not look like a phone number (None when it does, or is empty)."""
    if not phone:
        return None
    if not set(phone) <= PHONE_CHARS or sum(ch.isdigit() for ch in phone) < 6 or len(phone) > 40:
        return "Enter a phone number, like 07700 900 982"
    return None


def check(details: Details) -> Details:
    """Trim each part and refuse a phone number that is not one, an unknown way of contacting,
    or parts that are too long."""
    clean = Details(**{k: v.strip() for k, v in asdict(details).items()})
    problems = []
    if problem := phone_problem(clean.phone):
        problems.append(("phone", problem))
    if clean.preferred_contact and clean.preferred_contact not in set(ContactWay):
        problems.append(("preferred_contact", "Choose how they would like to be contacted"))
    if len(clean.access_needs) > 2000:
        problems.append(("access_needs", "Keep access needs under 2,000 characters"))
    if len(clean.languages) > 200:
        problems.append(("languages", "Keep languages to 200 characters or fewer"))
    if problems:
        raise DetailsError(problems)
    return clean


def _row(person: User) -> PersonDetails | None:
    return db.session.execute(
        db.select(PersonDetails).where(PersonDetails.user_id == person.id)
    ).scalar_one_or_none()


def details_of(person: User) -> PersonDetails | None:
    """The person's record, or None when nothing is held."""
    row = _row(person)
    return None if row is None or row.is_empty else row


def write(person: User, details: Details, actor: User | None) -> list[str]:
    """Store checked details for the person (no audit record); returns the parts that changed."""
    row = _row(person)
    before = (
        Details() if row is None else Details(**{k: getattr(row, k) for k in asdict(Details())})
    )
    changed = [k for k, v in asdict(details).items() if getattr(before, k) != v]
    if not changed:
        return []
    if row is None:
        row = PersonDetails(user_id=person.id)
        db.session.add(row)
    for key, value in asdict(details).items():
        setattr(row, key, value)
    row.updated_at = utcnow()
    row.updated_by_id = actor.id if actor is not None else None
    db.session.flush()
    return changed


def save(*, person: User, details: Details, actor: User) -> bool:
    """Staff change a person's record. Returns False when nothing changed."""
    if not actor.is_staff:
        raise DetailsError([("form", "Only staff can change a person's record.")])
    changed = write(person, check(details), actor)
    if not changed:
        return False
    record(
        actor=actor,
        action="person.details_changed",
        object_type="user",
        object_id=person.id,
        after={"changed": changed},
    )
    return True


def erase(*, person: User, actor: User) -> bool:
    """Staff erase everything the person's record holds (on their request): every part is
    emptied. Returns False when nothing was held."""
    if not actor.is_staff:
        raise DetailsError([("form", "Only staff can erase a person's record.")])
    row = details_of(person)
    if row is None:
        return False
    held = [k for k, v in asdict(Details()).items() if getattr(row, k) != v]
    for key, value in asdict(Details()).items():
        setattr(row, key, value)
    row.updated_at = utcnow()
    row.updated_by_id = actor.id
    db.session.flush()
    record(
        actor=actor,
        action="person.details_erased",
        object_type="user",
        object_id=person.id,
        after={"erased": held},
    )
    return True
