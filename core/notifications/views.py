"""The notifications page and the navigation item with the unread badge."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import select

from core.auth.models import User
from core.extensions import db
from core.notifications import services
from core.notifications.models import KINDS, Notification
from core.pagination import paginate

bp = Blueprint("notifications", __name__, template_folder="templates")

PAGE_SIZE = 50


@bp.get("/notifications")
@login_required
def index() -> ResponseReturnValue:
    """The signed-in user's notifications, newest first, and their e-mail choices."""
    page = request.args.get("page", 1, type=int) or 1
    query = (
        select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    listing = paginate(query, page=max(page, 1), page_size=PAGE_SIZE)
    return render_template(
        "notifications/index.html",
        listing=listing,
        pages=max(1, -(-listing["total"] // PAGE_SIZE)),
        preferences=services.email_preferences(current_user.id),
        kinds=KINDS,
    )


@bp.get("/notifications/<int:notification_id>/open")
@login_required
def open_notification(notification_id: int) -> ResponseReturnValue:
    """Mark one of the user's notifications read and go where it points (others': 404)."""
    notification = db.session.scalar(
        select(Notification).where(
            Notification.id == notification_id, Notification.user_id == current_user.id
        )
    )
    if notification is None:
        abort(404)
    services.mark_read(current_user.id, [notification.id])
    db.session.commit()
    return redirect(notification.url)  # a local path: notify() refuses anything else


@bp.post("/notifications/read")
@login_required
def mark_all_read() -> ResponseReturnValue:
    """Mark every notification of the signed-in user read (CSRF-checked form)."""
    services.mark_read(current_user.id)
    db.session.commit()
    flash("All notifications marked read.", "success")
    return redirect(url_for("notifications.index"))


@bp.post("/notifications/preferences")
@login_required
def save_preferences() -> ResponseReturnValue:
    """Store the e-mail checkboxes (an unchecked box means no e-mail for that kind)."""
    chosen = set(request.form.getlist("email"))
    services.set_email_preferences(current_user.id, {k: k in chosen for k in KINDS})
    db.session.commit()
    flash("E-mail preferences saved.", "success")
    return redirect(url_for("notifications.index"))


def nav_item(user: User) -> list[dict[str, Any]]:
    """The "Notifications" menu item; `badge` is the unread count (one COUNT query)."""
    return [
        {
            "label": "Notifications",
            "url": url_for("notifications.index"),
            "endpoint": "notifications.index",
            "badge": services.unread_count(user.id),
        }
    ]
