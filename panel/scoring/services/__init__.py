"""Scoring writes and queries: reviews, conflicts of interest, blind scoring and coverage.

Policy in one place, one module per part (import the module you need; nothing is re-exported):
- `rules`: only the Scoring stage takes score changes; panellists also stop at the deadline
  (staff may still type in paper scores until the round leaves Scoring). At the Panel meeting
  a panellist may revise their own submitted review, with a reason. Conflicts may be declared
  from the eligibility check until the round is decided. Templates get these as booleans
  (`rules.phase`), never by testing stage names.
- `reviews`: a review belongs to one panellist and one eligible application of the round.
  Identity comes from the caller (URL and session), never from the form.
- `conflicts`: a standing conflict recuses the panellist. Nothing is deleted, but any review
  they have of that application is set aside (left out of every count, queue and figure) until
  a mistaken declaration is withdrawn by staff.
- `blind`: before a panellist's own review of an application is submitted, they see nothing of
  other panellists' reviews of it.
- `progress`: a panellist's queue, counted reviews per application, and staff's coverage.
- `lookups`: the shared reads (a review, a standing conflict, the counted reviews); `errors`:
  the typed refusals every part raises.
"""
