"""Co-design writes and queries: the round's criteria, their history, weights and the rubric.

Policy in one place:
- Proposing, editing, removing, supporting and sharing weights are open while the round is in
  Co-design. Comments stay open at every stage.
- A proposal needs a title and why it matters; anyone on the panel writes what it means and
  what each score looks like later. Only a complete criterion is shortlisted or adopted.
- "Why it matters" and comments may be shared with staff only (`panel.notes`); such a reason
  never goes into the rubric, a copy or another round.
- Staff fix a criterion with a plain-words reason that everyone sees; residents cannot edit or
  remove a fixed criterion, and nobody removes one until staff unfix it.
- Staff, or the round's chair, adopt the criteria as a new rubric version, in Co-design and
  later, until any review has been submitted (`rubric_locked`) or scoring has closed.
- Nothing is deleted: removed proposals and boundaries are archived; supports are withdrawn.

The modules follow those seams: `rules` (what is open and why not, who may), `proposals`
(proposing, editing, removing, comments, supports), `staff` (fix, shortlist, boundaries,
copying), `weights`, `adoption` and `queries` (the board, lookups, the record). Callers use
this package: `from panel.codesign import services`. The rubric in force is read by
`panel.rubrics.current_rubric`, offered here too.
"""

from panel.codesign.services.adoption import Choice, adopt, candidates
from panel.codesign.services.errors import (
    Closed,
    CodesignError,
    Invalid,
    NotAllowed,
    StaleAdoption,
    StaleEdit,
)
from panel.codesign.services.proposals import (
    Wording,
    add_comment,
    check_wording,
    edit,
    level_name,
    propose,
    removal_needs_reason,
    remove,
    support,
    supports,
    withdraw_support,
)
from panel.codesign.services.queries import (
    Board,
    RecordEntry,
    agreement_record,
    board,
    boundaries,
    comment_counts,
    comments_of,
    criteria_of,
    criterion_in,
    rubrics_of,
    support_counts,
    supporters,
    versions_of,
)
from panel.codesign.services.rules import (
    FIXED_PREFIX,
    adoption_closed,
    discussion_closed,
    incomplete,
    may_adopt,
    may_edit,
    may_read_why,
    may_remove,
    missing_parts,
    owns_why,
    rubric_locked,
    staff_changes_closed,
)
from panel.codesign.services.staff import (
    COPY_ADOPTED,
    COPY_PROPOSALS,
    add_boundary,
    copy_criteria,
    fix,
    remove_boundary,
    rounds_to_copy_from,
    set_shortlisted,
    unfix,
)
from panel.codesign.services.weights import (
    WeightSummary,
    my_shares,
    share_weights,
    weighable,
    weight_summary,
)
from panel.rubrics import current_rubric

__all__ = [
    "COPY_ADOPTED",
    "COPY_PROPOSALS",
    "FIXED_PREFIX",
    "Board",
    "Choice",
    "Closed",
    "CodesignError",
    "Invalid",
    "NotAllowed",
    "RecordEntry",
    "StaleAdoption",
    "StaleEdit",
    "WeightSummary",
    "Wording",
    "add_boundary",
    "add_comment",
    "adopt",
    "adoption_closed",
    "agreement_record",
    "board",
    "boundaries",
    "candidates",
    "check_wording",
    "comment_counts",
    "comments_of",
    "copy_criteria",
    "criteria_of",
    "criterion_in",
    "current_rubric",
    "discussion_closed",
    "edit",
    "fix",
    "incomplete",
    "level_name",
    "may_adopt",
    "may_edit",
    "may_read_why",
    "may_remove",
    "missing_parts",
    "owns_why",
    "my_shares",
    "propose",
    "removal_needs_reason",
    "remove",
    "remove_boundary",
    "rounds_to_copy_from",
    "rubric_locked",
    "rubrics_of",
    "set_shortlisted",
    "share_weights",
    "staff_changes_closed",
    "support",
    "support_counts",
    "supporters",
    "supports",
    "unfix",
    "versions_of",
    "weighable",
    "weight_summary",
    "withdraw_support",
]
