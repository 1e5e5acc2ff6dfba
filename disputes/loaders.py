"""The disputes' tenant gate: load what the caller may see, else 404 (or 422 for body ids)."""

from __future__ import annotations

from flask_login import current_user

from core.errors import ValidationFailed
from core.extensions import db
from core.tenancy import current_org, deny, load_for_org_or_404
from disputes import permissions
from disputes.models import Dispute
from ledger.models import Invoice
from ledger.permissions import can_see_debtor


def load_dispute(dispute_id: int) -> Dispute:
    """A dispute of the caller's organisation that the caller may see."""
    dispute = load_for_org_or_404(Dispute, dispute_id)
    if not permissions.can_see(current_user, dispute):
        deny("disputes", dispute_id)
    return dispute


def require(allowed: bool, dispute: Dispute) -> None:
    """Same tenant and visible, but not allowed for this role: 403 (audited)."""
    if not allowed:
        deny("disputes", dispute.id, status=403)


def load_invoice_field(invoice_id: int, *, field: str = "invoice_id") -> Invoice:
    """An invoice named in a request body: foreign or hidden ids are a 422 on `field`."""
    invoice = db.session.get(Invoice, invoice_id)
    if (
        invoice is None
        or invoice.org_id != current_org.id
        or not can_see_debtor(current_user, invoice.debtor)
    ):
        raise ValidationFailed("Unknown invoice.", details={field: ["No such invoice."]})
    return invoice
