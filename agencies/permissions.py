"""Who may do what with agency profiles: pure predicates (the gates use the same ones).

Reading is open to every signed-in user (SPEC §4: profiles are how creditors choose);
only an agency's owner edits its profile.
"""

from __future__ import annotations

from core.auth.models import OrgKind, Role, User

#: roles that edit their own agency's profile (SPEC §1: the owner holds "profile")
EDITORS = (Role.OWNER,)


def can_edit_profile(user: User) -> bool:
    return user.kind is OrgKind.AGENCY and user.role in EDITORS


def is_agency_member(user: User) -> bool:
    return user.kind is OrgKind.AGENCY
