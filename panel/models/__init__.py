"""Typed SQLAlchemy models, one module per concept. Importing this registers them all."""

from panel.models.audit import AuditEvent
from panel.models.auth_token import PasswordLink
from panel.models.funding_round import (
    STAGE_ORDER,
    FundingRound,
    PanelRole,
    RoundMember,
    Stage,
)
from panel.models.login_attempt import LoginFailure
from panel.models.user import Role, User

__all__ = [
    "STAGE_ORDER",
    "AuditEvent",
    "FundingRound",
    "LoginFailure",
    "PanelRole",
    "PasswordLink",
    "Role",
    "RoundMember",
    "Stage",
    "User",
]
