"""Debtor pages: the list, the 360° page, create and edit."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from core import hooks
from core.auth.models import Role, User
from core.errors import DomainError
from core.extensions import db
from core.pagination import paginate
from core.tenancy import current_org
from core.text import key
from ledger import permissions, scores, services
from ledger.clock import today
from ledger.forms import DebtorForm
from ledger.loaders import load_debtor
from ledger.models import Debtor
from ledger.views import bp, queries, readers, show_errors, writers

PAGE_SIZE = 50


def _page() -> int:
    """`?page=` as a positive int (bad values read as page 1)."""
    page = request.args.get("page", type=int) or 1
    if not 1 <= page <= 10**9:
        abort(400)
    return page


@bp.get("/debtors")
@readers
def debtors() -> ResponseReturnValue:
    """Debtors the caller may see, by name, with outstanding and overdue per currency."""
    q = (request.args.get("q") or "").strip()[:100]
    query = select(Debtor).where(
        Debtor.org_id == current_org.id, permissions.visible_debtors(current_user)
    )
    if q:
        query = query.where(Debtor.name_key.contains(key(q), autoescape=True))
    page = paginate(query.order_by(Debtor.name_key, Debtor.id), _page(), PAGE_SIZE)
    ids = [d.id for d in page["items"]]
    return render_template(
        "ledger/debtors.html",
        page=page,
        q=q,
        balances=queries.balances_by_debtor(current_org.id, ids, today()),
        pages=max(1, -(-page["total"] // PAGE_SIZE)),
    )


@bp.get("/debtors/<int:debtor_id>")
@readers
def debtor(debtor_id: int) -> ResponseReturnValue:
    """The debtor's 360° page: master data, credit status, score, invoices, payments, aging."""
    debtor = load_debtor(debtor_id)
    now = today()
    rep = db.session.get(User, debtor.sales_rep_id) if debtor.sales_rep_id else None
    invoices = queries.open_invoices(current_org.id, debtor.id)
    return render_template(
        "ledger/debtor.html",
        debtor=debtor,
        sales_rep=rep,
        score=scores.score_for(debtor.id, now),
        invoices=invoices,
        today=now,
        balances=queries.balances_by_debtor(current_org.id, [debtor.id], now).get(debtor.id, []),
        aging=queries.aging(current_org.id, now, debtor_id=debtor.id),
        buckets=[label for label, _lo, _hi in queries.BUCKETS],
        payments=queries.recent_payments(current_org.id, debtor.id),
        credit_notes=queries.recent_credit_notes(current_org.id, debtor.id),
        unapplied=queries.unapplied_credit(current_org.id, debtor.id),
        # sections other features add (disputes); each is Markup or None
        sections=[s for s in hooks.collect("debtor_sections", debtor, current_user) if s],
    )


def _rep_choices() -> list[SelectChoice]:
    """Active members who can be a debtor's sales rep, plus "nobody"."""
    members = db.session.scalars(
        select(User)
        .where(
            User.org_id == current_org.id,
            User.active.is_(True),
            User.role.in_((Role.SALES, Role.CREDIT, Role.OWNER)),
        )
        .order_by(User.name)
    )
    return [SelectChoice(0, "— nobody —"), *(SelectChoice(u.id, u.name) for u in members)]


def _render_form(form: DebtorForm, debtor: Debtor | None, status: int = 200) -> ResponseReturnValue:
    return render_template("ledger/debtor_form.html", form=form, debtor=debtor), status


def _refused(form: DebtorForm, debtor: Debtor | None, exc: DomainError) -> ResponseReturnValue:
    """Nothing saved: the service's reasons go next to the fields (a duplicate on the name)."""
    db.session.rollback()
    if exc.code == "duplicate":
        form.name.errors = [*form.name.errors, exc.message]
    else:
        show_errors(form, exc, {})
    return _render_form(form, debtor, exc.status)


@bp.route("/debtors/new", methods=["GET", "POST"])
@writers
def new_debtor() -> ResponseReturnValue:
    """Create a debtor (owner and credit)."""
    form = DebtorForm()
    form.sales_rep_id.choices = _rep_choices()
    del form.on_hold  # a new debtor starts without a hold; policy or an edit sets it
    if request.method == "GET":
        form.currency.data = current_org.currency
        return _render_form(form, None)
    if not form.validate_on_submit():
        return _render_form(form, None, 422)
    currency = (form.currency.data or "").upper()
    fields = form.service_fields(currency)
    if fields is None:
        return _render_form(form, None, 422)
    try:
        debtor = services.create_debtor(
            current_org, actor=current_user, currency=currency, **fields
        )
    except DomainError as exc:
        return _refused(form, None, exc)
    db.session.commit()
    flash(f"Debtor {debtor.name} created.", "success")
    return redirect(url_for("ledger.debtor", debtor_id=debtor.id))


@bp.route("/debtors/<int:debtor_id>/edit", methods=["GET", "POST"])
@writers
def edit_debtor(debtor_id: int) -> ResponseReturnValue:
    """Change a debtor's master data and credit hold (owner and credit)."""
    debtor = load_debtor(debtor_id)
    form = DebtorForm(obj=debtor if request.method == "GET" else None)
    form.sales_rep_id.choices = _rep_choices()
    del form.currency  # invoices and the credit limit are booked in it: fixed once created
    if request.method == "GET":
        form.emails.data = ", ".join(debtor.emails or [])
        form.sales_rep_id.data = debtor.sales_rep_id or 0
        form.credit_limit.data = debtor.credit_limit.amount if debtor.credit_limit else ""
        form.debtor_type.data = debtor.debtor_type.value
        return _render_form(form, debtor)
    if not form.validate_on_submit():
        return _render_form(form, debtor, 422)
    fields = form.service_fields(debtor.currency)
    if fields is None:
        return _render_form(form, debtor, 422)
    fields["on_hold"] = bool(form.on_hold.data)
    try:
        services.update_debtor(debtor, actor=current_user, **fields)
    except DomainError as exc:
        return _refused(form, debtor, exc)
    db.session.commit()
    flash("Debtor saved.", "success")
    return redirect(url_for("ledger.debtor", debtor_id=debtor.id))
