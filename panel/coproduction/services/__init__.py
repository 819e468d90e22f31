"""The co-production area's services. Importing the package registers the involvement record's
listener on the audit log (`activity.from_audit`), so what residents do in the app is counted."""

from panel.coproduction.services import activity  # noqa: F401
from panel.coproduction.services.errors import CoproductionError

__all__ = ["CoproductionError"]
