"""@mentions: `@[Name](user:ID)` tokens (from the editor) and `@email`, resolved in the
thread's organisations (the author's, or both parties of a case)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import func, select

from core.auth.models import User
from core.extensions import db

MENTION_TOKEN = re.compile(r"@\[(?P<name>[^\]\n]{1,200})\]\(user:(?P<id>\d{1,18})\)")
MENTION_EMAIL = re.compile(
    r"(?<![\w.+-])@(?P<email>[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
)
#: a comment notifies at most this many people
MAX_MENTIONS = 50


def parse_mentions(body: str, *, org_id: int, org_ids: Iterable[int] | None = None) -> list[int]:
    """Ids of active members of `org_id` mentioned in `body`, in order of first mention.

    `org_ids` widens the scope to several organisations (a case thread: the creditor and
    the awarded agency); by default only `org_id`'s members can be mentioned.
    """
    ids = [int(m.group("id")) for m in MENTION_TOKEN.finditer(body)]
    emails = [m.group("email").lower() for m in MENTION_EMAIL.finditer(body)]
    if not ids and not emails:
        return []
    scope = sorted(set(org_ids)) if org_ids is not None else [org_id]
    members = db.session.scalars(
        select(User).where(
            User.org_id.in_(scope),
            User.active.is_(True),
            (User.id.in_(ids[: MAX_MENTIONS * 2]))
            | (func.lower(User.email).in_(emails[: MAX_MENTIONS * 2])),
        )
    ).all()
    by_id = {u.id: u.id for u in members}
    by_email = {u.email.lower(): u.id for u in members}
    found: list[int] = []
    order = [(m.start(), by_id.get(int(m.group("id")))) for m in MENTION_TOKEN.finditer(body)]
    order += [
        (m.start(), by_email.get(m.group("email").lower())) for m in MENTION_EMAIL.finditer(body)
    ]
    for _pos, user_id in sorted(order, key=lambda pair: pair[0]):
        if user_id is not None and user_id not in found:
            found.append(user_id)
    return found[:MAX_MENTIONS]
