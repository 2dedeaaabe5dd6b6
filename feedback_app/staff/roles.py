"""Who may open which page (requirement 13).

Every staff view is wrapped by ``roles_required``; the roles it allows are kept on the view
function (``allowed_roles``) so the role x route matrix test can read them from ``app.url_map``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, current_app, g, redirect, request, url_for
from flask_login import current_user

from feedback_app.models.staff import ROLES
from feedback_app.staff.sessions import second_factor_done

F = TypeVar("F", bound=Callable[..., Any])

# Roles that may read children's free text at all. Board members never; admins not by default.
TEXT_READERS = frozenset({"participation_officer", "safeguarding_lead", "advocate"})


def current_staff() -> Any:
    """The signed-in person with both factors, or None."""
    if not current_user.is_authenticated or not second_factor_done():
        return None
    return current_user._get_current_object()  # type: ignore[attr-defined]


def roles_required(*roles: str) -> Callable[[F], F]:
    """Allow only signed-in staff (password and TOTP) in one of ``roles``; others get 403."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"Unknown roles {sorted(unknown)}")

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return redirect(url_for("staff.sign_in", next=_safe_next(), timed_out=getattr(g, "staff_timed_out", None)))
            if not second_factor_done():
                return redirect(url_for("staff.two_factor", next=_safe_next()))
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorate


def _safe_next() -> str | None:
    # Only same-site paths: never an open redirect.
    if request.method != "GET":
        return None
    path = request.full_path.rstrip("?")
    return path if path.startswith("/") and not path.startswith("//") else None


def is_safe_next(target: str | None) -> bool:
    """True for a local path this app can redirect to after sign-in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    adapter = current_app.url_map.bind("localhost")
    try:
        adapter.match(target.split("?", 1)[0], method="GET")
    except Exception:
        return False
    return True
