"""Typed SQLAlchemy models, one module per concept. Importing this registers them all."""

from panel.models.application import (
    ORGANISATION_TYPE_LABELS,
    Application,
    ApplicationStatus,
    EligibilityCheck,
    OrganisationType,
)
from panel.models.audit import AuditEvent
from panel.models.auth_token import PasswordLink
from panel.models.conflict import CONFLICT_KIND_LABELS, Conflict, ConflictKind
from panel.models.criterion import (
    Boundary,
    Criterion,
    CriterionComment,
    CriterionKind,
    CriterionSupport,
    CriterionVersion,
    WeightShare,
)
from panel.models.decision import (
    OUTCOME_LABELS,
    Decision,
    ExportJob,
    LotteryDraw,
    MeetingNote,
    Outcome,
)
from panel.models.expense import (
    EXPENSE_LABELS,
    EXPENSE_STATUS_LABELS,
    PAYMENT_LABELS,
    Expense,
    ExpenseKind,
    ExpenseStatus,
    Payment,
    PaymentKind,
)
from panel.models.fund import FUND_ROW_ID, ActivityTime, Fund
from panel.models.funding_round import (
    STAGE_ORDER,
    FundingRound,
    PanelRole,
    RoundMember,
    Stage,
)
from panel.models.idea import (
    IDEA_STATUS_LABELS,
    CriterionIdea,
    Idea,
    IdeaComment,
    IdeaStatus,
    IdeaSupport,
    RoundIdea,
)
from panel.models.involvement import (
    ACTIVITY_LABELS,
    COPRO_STAGE_LABELS,
    OFFSCREEN_KINDS,
    ActivityKind,
    CoproductionSetting,
    CoproStage,
    InvolvementEntry,
    StaffTime,
)
from panel.models.meeting import ATTENDANCE_LABELS, Attendance, MeetingAttendance, PanelMeeting
from panel.models.message import (
    MESSAGE_STATUS_LABELS,
    Channel,
    Message,
    MessageStatus,
)
from panel.models.person import (
    CONTACT_WAY_LABELS,
    ConductAgreement,
    ContactWay,
    JoinAttempt,
    JoinRequest,
    JoinStatus,
    PersonDetails,
)
from panel.models.report import CommentReport
from panel.models.review import Review, ReviewStatus, Score
from panel.models.rubric import Rubric, RubricCriterion
from panel.models.throttle import Throttle
from panel.models.user import Role, User

__all__ = [
    "MESSAGE_STATUS_LABELS",
    "Channel",
    "Message",
    "MessageStatus",
    "CONTACT_WAY_LABELS",
    "FUND_ROW_ID",
    "IDEA_STATUS_LABELS",
    "ActivityTime",
    "CommentReport",
    "ConductAgreement",
    "CriterionIdea",
    "ContactWay",
    "Fund",
    "Idea",
    "IdeaComment",
    "IdeaStatus",
    "IdeaSupport",
    "JoinAttempt",
    "JoinRequest",
    "JoinStatus",
    "PersonDetails",
    "RoundIdea",
    "ACTIVITY_LABELS",
    "ATTENDANCE_LABELS",
    "COPRO_STAGE_LABELS",
    "EXPENSE_LABELS",
    "EXPENSE_STATUS_LABELS",
    "OFFSCREEN_KINDS",
    "PAYMENT_LABELS",
    "ActivityKind",
    "Attendance",
    "CoproStage",
    "CoproductionSetting",
    "Expense",
    "ExpenseKind",
    "ExpenseStatus",
    "InvolvementEntry",
    "MeetingAttendance",
    "PanelMeeting",
    "Payment",
    "PaymentKind",
    "StaffTime",
    "OUTCOME_LABELS",
    "Decision",
    "ExportJob",
    "LotteryDraw",
    "MeetingNote",
    "Outcome",
    "CONFLICT_KIND_LABELS",
    "ORGANISATION_TYPE_LABELS",
    "STAGE_ORDER",
    "Application",
    "ApplicationStatus",
    "AuditEvent",
    "Boundary",
    "Conflict",
    "ConflictKind",
    "Criterion",
    "CriterionComment",
    "CriterionKind",
    "CriterionSupport",
    "CriterionVersion",
    "EligibilityCheck",
    "FundingRound",
    "OrganisationType",
    "PanelRole",
    "PasswordLink",
    "Review",
    "ReviewStatus",
    "Role",
    "RoundMember",
    "Rubric",
    "RubricCriterion",
    "Score",
    "Stage",
    "Throttle",
    "User",
    "WeightShare",
]
