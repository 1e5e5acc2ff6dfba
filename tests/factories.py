"""Factories that return callables' results: real rows through the real services."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from core.auth import services
from core.auth.models import ROLES_BY_KIND, Organization, OrgKind, User
from core.extensions import db

PASSWORD = "correct horse battery staple"
_seq = itertools.count(1)


def make_org(kind: str = "creditor", name: str | None = None, **settings: object) -> Organization:
    n = next(_seq)
    org = services.create_organization(name or f"{kind.title()} {n}", kind)
    for key, value in settings.items():
        setattr(org, key, value)
    db.session.commit()
    return org


def make_user(
    org: Organization,
    role: str = "owner",
    *,
    email: str | None = None,
    name: str | None = None,
    password: str = PASSWORD,
) -> User:
    n = next(_seq)
    user = services.create_user(
        org,
        email=email or f"{role}{n}@example.com",
        name=name or f"{role.title()} {n}",
        role=role,
        password=password,
    )
    db.session.commit()
    return user


def bearer_headers(user: User) -> dict[str, str]:
    _token, secret = services.issue_token(user, name="test")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


@dataclass
class Tenant:
    org: Organization
    users: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, role: str) -> User:
        try:
            return self.__dict__["users"][role]
        except KeyError:
            raise AttributeError(role) from None


@dataclass
class Tenants:
    a: Tenant
    b: Tenant
    x: Tenant
    y: Tenant


def make_tenant(kind: str, name: str) -> Tenant:
    org = make_org(kind, name)
    tenant = Tenant(org)
    for role in ROLES_BY_KIND[OrgKind(kind)]:
        tenant.users[role.value] = make_user(org, role.value)
    return tenant


def make_tenants() -> Tenants:
    n = next(_seq)
    return Tenants(
        a=make_tenant("creditor", f"Creditor A{n}"),
        b=make_tenant("creditor", f"Creditor B{n}"),
        x=make_tenant("agency", f"Agency X{n}"),
        y=make_tenant("agency", f"Agency Y{n}"),
    )


def make_debtor(org: Organization, name: str | None = None, **fields: object):
    """A debtor of `org` (company in DE unless told otherwise)."""
    from ledger import services as ledger_services

    fields.setdefault("debtor_type", "company")
    fields.setdefault("country", "DE")
    debtor = ledger_services.create_debtor(
        org, actor=None, name=name or f"Debtor {next(_seq)}", **fields
    )
    db.session.commit()
    return debtor


def make_invoice(
    org: Organization,
    debtor=None,
    *,
    number: str | None = None,
    amount: str = "1000.00",
    currency: str = "EUR",
    issue_date=None,
    due_date=None,
    **fields: object,
):
    """An invoice of `org` (a new debtor when none is given), issued 60 days ago, due in 30."""
    from datetime import timedelta

    from core.money import Money
    from ledger import services as ledger_services
    from ledger.clock import today

    debtor = debtor or make_debtor(org)
    issue_date = issue_date or today() - timedelta(days=60)
    due_date = due_date or issue_date + timedelta(days=30)
    invoice = ledger_services.create_invoice(
        org,
        actor=None,
        number=number or f"INV-{next(_seq):05d}",
        debtor=debtor,
        issue_date=issue_date,
        due_date=due_date,
        amount=Money.parse(amount, currency),
        **fields,
    )
    db.session.commit()
    return invoice
