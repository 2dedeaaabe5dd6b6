"""Time-based one-time passwords, single use (requirement 10), and the enrolment QR code."""

from __future__ import annotations

import hmac
import time

import pyotp
import segno
from flask import current_app

from feedback_app.models.staff import StaffUser

STEP_SECONDS = 30


def new_secret() -> str:
    """A fresh 160-bit base32 secret."""
    return pyotp.random_base32(length=32)


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// URI authenticator apps read from the QR code."""
    issuer = str(current_app.config.get("STAFF_TOTP_ISSUER", "Your voice – staff"))
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The QR code as inline SVG, drawn on the server (nothing is fetched from elsewhere)."""
    return str(segno.make(uri, error="m").svg_inline(scale=5, border=4, title="QR code for your authenticator app"))


def _clean(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())


def matching_step(secret: str, code: str, *, after_step: int = 0, now: float | None = None) -> int | None:
    """The time step ``code`` is valid for (this step or one either side), if later than ``after_step``."""
    digits = _clean(code)
    if len(digits) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = int((now if now is not None else time.time()) // STEP_SECONDS)
    for step in (current - 1, current, current + 1):
        if step > after_step and hmac.compare_digest(totp.generate_otp(step), digits):
            return step
    return None


def verify_for_user(user: StaffUser, code: str) -> bool:
    """Check a code for an enrolled person and use it up, so it cannot be replayed."""
    if not user.totp_secret:
        return False
    step = matching_step(user.totp_secret, code, after_step=user.totp_last_step or 0)
    if step is None:
        return False
    user.totp_last_step = step
    return True
