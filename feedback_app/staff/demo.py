"""Demo staff accounts for `flask --app feedback_app demo` (development only).

One account per role with a printed password and authenticator secret, so a person trying the
product can sign in at /staff/sign-in. Never run against a production database: the demo
command refuses to run when FEEDBACK_ENV is production.
"""

from __future__ import annotations

import base64
import hashlib
import random

from sqlalchemy import select

from feedback_app.extensions import db
from feedback_app.models.staff import ROLES, StaffUser
from feedback_app.staff.passwords import hash_password

DEMO_DOMAIN = "demo.invalid"


def demo_password(role: str) -> str:
    return f"Leeds-demo-{role.replace('_', '-')}-2026"


def demo_totp_secret(role: str) -> str:
    """A fixed secret per role, so the printed instructions stay true across demo loads."""
    return base64.b32encode(hashlib.sha256(f"demo-totp-{role}".encode()).digest()[:20]).decode()


def load_demo_staff(rng: random.Random) -> str:
    """Create one enrolled account per role (if missing) and say how to sign in."""
    lines = ["Staff accounts (sign in at http://127.0.0.1:5000/staff/sign-in):"]
    for role in ROLES:
        email = f"{role.replace('_', '.')}@{DEMO_DOMAIN}"
        if db.session.scalar(select(StaffUser).filter_by(email=email)) is None:
            db.session.add(StaffUser(
                email=email, display_name=f"Demo {role.replace('_', ' ')}", role=role,
                password_hash=hash_password(demo_password(role)), totp_secret=demo_totp_secret(role), totp_confirmed=True,
            ))
        lines.append(f"  {role:22} {email:40} password {demo_password(role)}  authenticator secret {demo_totp_secret(role)}")
    db.session.commit()
    lines.append("  A current code: .venv/bin/python -c \"import pyotp; print(pyotp.TOTP('SECRET').now())\"")
    return "\n".join(lines)
