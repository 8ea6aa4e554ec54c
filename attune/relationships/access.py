"""Who may see and change the team around a child (and, in the plans app, a child's plans).

Built on the people app's rules: whoever may see a child's sensitive record (leads, and the
child's own key adult and co-worker) sees the whole team with contact details; other staff
(teachers, office) see only members who agreed to share, without their contact details.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from attune.accounts.models import Membership
from attune.accounts.roles import Permission, Role
from attune.people.access import can_see_sensitive
from attune.people.models import Pupil
from attune.privacy.break_glass import by_break_glass


def can_see_team_details(membership: Membership, pupil: Pupil) -> bool:
    """Contact details, and members who have not agreed to share."""
    return can_see_sensitive(membership, pupil)


def can_support_child(membership: Membership, pupil: Pupil) -> bool:
    """Change the team, write plans and reviews: leads, and the child's own key adult.

    A Virtual School officer reads but does not write; an administrator manages accounts, not
    children's records.
    """
    if membership.role == Role.VIRTUAL_SCHOOL:
        return False
    if not can_see_sensitive(membership, pupil) or by_break_glass(membership, pupil):
        return False  # break glass lets a safeguarding lead read, not write
    return membership.can(Permission.MANAGE_KEY_ADULTS) or membership.role == Role.KEY_ADULT


def require_support(membership: Membership, pupil: Pupil) -> None:
    if not can_support_child(membership, pupil):
        raise PermissionDenied
