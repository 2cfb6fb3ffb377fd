"""What each role may do, in one table.

Views and templates ask for a capability (`@requires(Can.MANAGE_WORKERS)`,
`current_user.can(Can.REVEAL_IDENTITY)`), never for a role by name, so that a new role (an
enterprise contact, checkpoint staff, an industry-department reviewer) is one more row in
ROLE_CAPABILITIES. Where a capability applies (which households, which workers) is the scope's
business (webapp/scope.py): a capability says what, the scope says where.

Every view is either public (webapp/auth/guard.py) or declares the capability it needs; the
sign-in guard checks it before the view runs, so a view without a declaration is refused, not
opened. tests/test_scope.py walks every route with every role against this table.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import TypeVar

F = TypeVar("F", bound=Callable)


class Can(Enum):
    """The things a signed-in person may be allowed to do."""

    # What every signed-in person may do, whatever their role: the start page (which sends each
    # role to its own home), one's own account and password, signing out, the outbox's token.
    OWN_ACCOUNT = "own_account"
    # Field work in one's own subtree: visits, colours, follow-ups, registering residents,
    # errands, search, the today list, reports (counts only), one's own background jobs.
    FIELD_WORK = "field_work"
    # The whole tree, whatever the scope node says.
    SEE_WHOLE_TREE = "see_whole_tree"
    # Build the grid tree: add, rename, move, deactivate nodes.
    EDIT_TREE = "edit_tree"
    # Add a household to a micro-grid (a returnee family in an empty flat): field work too.
    ADD_HOUSEHOLDS = "add_households"
    # Edit, move and deactivate households; correct and remove residents.
    MANAGE_HOUSEHOLDS = "manage_households"
    # Open deactivated records (to see them or bring them back).
    SEE_DEACTIVATED = "see_deactivated"
    # Show one resident's full ID number and phone.
    REVEAL_IDENTITY = "reveal_identity"
    # Add, edit and deactivate workers of the subtree.
    MANAGE_WORKERS = "manage_workers"
    # See administrators in lists and make them.
    APPOINT_ADMINS = "appoint_admins"
    # Issue, print and revoke work ID cards; upload photos.
    MANAGE_CARDS = "manage_cards"
    # The supervisor's part of today: per-area counts and flagged visits.
    SUPERVISE = "supervise"
    # Open anybody's background job, not only one's own.
    SEE_ALL_JOBS = "see_all_jobs"
    # Read the audit trail (of one's subtree).
    READ_AUDIT = "read_audit"
    # Import the office's spreadsheets into one's subtree; each kind also needs the capability
    # of the pages that write it (the tree needs EDIT_TREE): an import does no more than they.
    IMPORT = "import"
    # Export the households, residents, workers and field work of one's subtree to a file
    # (a field worker exports only their today lists, which FIELD_WORK allows).
    EXPORT = "export"
    # Start a screening sweep over a node of one's subtree.
    START_SWEEPS = "start_sweeps"
    # Post notices to any node of one's subtree and withdraw them (a micro-grid or grid leader
    # without this posts to their own area: webapp/notices/rules.may_post).
    POST_NOTICES = "post_notices"
    # Set up checkpoints (卡口) and put workers on them.
    MANAGE_CHECKPOINTS = "manage_checkpoints"
    # Work a checkpoint one is put on: tap the checks, register arrivals handed to a community.
    CHECKPOINT_WORK = "checkpoint_work"
    # Open the enterprises one acts for (which ones is scope.enterprises()'s answer: an
    # enterprise account its own, a reviewer its department's, the tree's roles their subtree's).
    SEE_ENTERPRISES = "see_enterprises"
    # Keep the list of industry departments (行业主管部门).
    MANAGE_DEPARTMENTS = "manage_departments"
    # Register, edit and deactivate the enterprises of one's subtree; appoint liaison officers.
    MANAGE_ENTERPRISES = "manage_enterprises"
    # File returning employees and log problems for the enterprises one acts for: an
    # enterprise account its own, a liaison officer theirs, a supervisor those of the subtree.
    ENTERPRISE_WORK = "enterprise_work"
    # The industry department's approval of return filings (the reviewer's department only).
    REVIEW_FILINGS = "review_filings"
    # The destination community's approval of filed employees coming to its subtree.
    APPROVE_ARRIVALS = "approve_arrivals"
    # See the enterprise problems of the enterprises one acts for (webapp/scope.problems: an
    # enterprise account its own, a reviewer its department's, the tree its subtree's) and
    # comment on them; taking and resolving them is field work.
    SEE_PROBLEMS = "see_problems"


_SUPERVISOR = frozenset(
    {
        Can.OWN_ACCOUNT,
        Can.SEE_ENTERPRISES,
        Can.FIELD_WORK,
        Can.ADD_HOUSEHOLDS,
        Can.MANAGE_HOUSEHOLDS,
        Can.SEE_DEACTIVATED,
        Can.REVEAL_IDENTITY,
        Can.MANAGE_WORKERS,
        Can.MANAGE_CARDS,
        Can.SUPERVISE,
        Can.READ_AUDIT,
        Can.IMPORT,
        Can.EXPORT,
        Can.START_SWEEPS,
        Can.POST_NOTICES,
        Can.CHECKPOINT_WORK,
        Can.MANAGE_ENTERPRISES,
        Can.ENTERPRISE_WORK,
        Can.APPROVE_ARRIVALS,
        Can.SEE_PROBLEMS,
    }
)

ROLE_CAPABILITIES: dict[str, frozenset[Can]] = {
    "admin": frozenset(Can),
    "supervisor": _SUPERVISOR,
    "worker": frozenset(
        {
            Can.OWN_ACCOUNT,
            Can.SEE_ENTERPRISES,
            Can.FIELD_WORK,
            Can.ADD_HOUSEHOLDS,
            Can.CHECKPOINT_WORK,
            Can.ENTERPRISE_WORK,
            Can.SEE_PROBLEMS,
        }
    ),
    # No field work: an enterprise account sees its own enterprise and nothing of the tree.
    "enterprise": frozenset(
        {Can.OWN_ACCOUNT, Can.SEE_ENTERPRISES, Can.ENTERPRISE_WORK, Can.SEE_PROBLEMS}
    ),
    # A reviewer sees its department's enterprises and reviews their filings (and follows
    # their problems), nothing else.
    "reviewer": frozenset(
        {Can.OWN_ACCOUNT, Can.SEE_ENTERPRISES, Can.REVIEW_FILINGS, Can.SEE_PROBLEMS}
    ),
}


def role_can(role: str, capability: Can) -> bool:
    """Whether `role` allows `capability` (an unknown role allows nothing)."""
    return capability in ROLE_CAPABILITIES.get(role, frozenset())


def requires(capability: Can) -> Callable[[F], F]:
    """Declare the capability a view needs; the sign-in guard checks it (403 without it)."""

    def declare(view: F) -> F:
        view.required_capability = capability  # type: ignore[attr-defined]
        return view

    return declare


def required_capability(view: Callable) -> Can | None:
    return getattr(view, "required_capability", None)


def roles_with(capability: Can) -> list[str]:
    return [role for role, allowed in ROLE_CAPABILITIES.items() if capability in allowed]


def manageable_roles(role: str) -> list[str]:
    """The roles whose workers someone of `role` may edit, reset, deactivate, and give: those
    that can do strictly less (a supervisor manages field workers, never a fellow supervisor),
    and every role for whoever may appoint administrators (somebody has to manage them)."""
    own = ROLE_CAPABILITIES.get(role, frozenset())
    if Can.APPOINT_ADMINS in own:
        return list(ROLE_CAPABILITIES)
    return [other for other, allowed in ROLE_CAPABILITIES.items() if allowed < own]
