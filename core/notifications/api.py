"""JSON API of API.md: the caller's notifications, marking them read, e-mail preferences."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select

from core.auth.permissions import require_login
from core.extensions import db
from core.notifications import services
from core.notifications.models import Notification
from core.notifications.schemas import (
    MarkReadSchema,
    NotificationListArgs,
    NotificationPageSchema,
    PreferencesSchema,
    UnreadSchema,
)
from core.pagination import paginate

blp = Blueprint("notifications_api", __name__, url_prefix="/api/v1", description="Notifications")


@blp.route("/notifications")
class Notifications(MethodView):
    @blp.arguments(NotificationListArgs, location="query")
    @blp.response(200, NotificationPageSchema)
    @require_login
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The caller's notifications, newest first (`?unread=true`: unread only)."""
        query = (
            select(Notification)
            .where(Notification.user_id == current_user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
        )
        if args["unread"]:
            query = query.where(Notification.read_at.is_(None))
        page = paginate(query, page=args["page"], page_size=args["page_size"])
        page["unread"] = services.unread_count(current_user.id)
        return page


@blp.route("/notifications/read")
class MarkRead(MethodView):
    @blp.arguments(MarkReadSchema)
    @blp.response(200, UnreadSchema)
    @require_login
    def post(self, args: dict[str, Any]) -> dict[str, int]:
        """Mark the caller's notifications read: those in `ids`, or all without `ids`.

        Only the caller's own notifications are touched. Ids of other users' notifications
        (or unknown ids) are ignored, not an error: the answer is the same either way, so
        it reveals nothing about them.
        """
        unread = services.mark_read(current_user.id, args.get("ids"))
        db.session.commit()
        return {"unread": unread}


@blp.route("/notifications/preferences")
class Preferences(MethodView):
    @blp.response(200, PreferencesSchema)
    @require_login
    def get(self) -> dict[str, Any]:
        """Which kinds of notification the caller also receives by e-mail."""
        return {"email": services.email_preferences(current_user.id)}

    @blp.arguments(PreferencesSchema)
    @blp.response(200, PreferencesSchema)
    @require_login
    def put(self, args: dict[str, Any]) -> dict[str, Any]:
        """Change e-mail choices per kind; kinds left out keep their setting."""
        prefs = services.set_email_preferences(current_user.id, args["email"])
        db.session.commit()
        return {"email": prefs}
