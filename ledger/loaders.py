"""The ledger's tenant gate: load debtors and invoices the caller may see, else 404."""

from __future__ import annotations

from flask_login import current_user

from core.errors import ValidationFailed
from core.tenancy import deny, load_for_org_or_404
from ledger.models import Debtor, Invoice
from ledger.permissions import can_see_debtor


def load_debtor(debtor_id: int, *, field: str | None = None) -> Debtor:
    """A debtor of the caller's organisation that the caller may see.

    With `field` (an id given in a request body), a foreign or hidden id is a 422 on that
    field instead of a 404, so the whole request is refused without naming the owner.
    """
    if field is not None:
        from core.extensions import db
        from core.tenancy import current_org

        debtor = db.session.get(Debtor, debtor_id)
        if (
            debtor is None
            or debtor.org_id != current_org.id
            or not can_see_debtor(current_user, debtor)
        ):
            raise ValidationFailed("Unknown debtor.", details={field: ["No such debtor."]})
        return debtor
    debtor = load_for_org_or_404(Debtor, debtor_id)
    if not can_see_debtor(current_user, debtor):
        deny("debtors", debtor_id)
    return debtor


def load_invoice(invoice_id: int) -> Invoice:
    """An invoice of the caller's organisation whose debtor the caller may see."""
    invoice = load_for_org_or_404(Invoice, invoice_id)
    if not can_see_debtor(current_user, invoice.debtor):
        deny("invoices", invoice_id)
    return invoice
