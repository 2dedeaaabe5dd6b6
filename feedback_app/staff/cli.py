"""`flask --app feedback_app users ...`: create and look after staff accounts."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from feedback_app.extensions import db
from feedback_app.models.staff import ROLES, StaffUser


@click.group("users")
def users_cli() -> None:
    """Staff accounts."""


def _read_password() -> str:
    # A pipe (scripts, `make`) gives the password on stdin; a terminal prompts twice, hidden.
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@users_cli.command("create")
@click.option("--role", required=True, type=click.Choice(ROLES), help="The person's role.")
@click.option("--email", required=True, help="Their work e-mail address (the sign-in name).")
@click.option("--name", "display_name", default="", help="How their name is shown to colleagues.")
@with_appcontext
def create_user(role: str, email: str, display_name: str) -> None:
    """Create an account; the password is prompted for, or read from stdin.

    The person enrols an authenticator app (scanning a QR code) the first time they sign in.
    """
    from feedback_app.audit.log import USER_CREATED, record
    from feedback_app.staff.passwords import hash_password, password_problems

    email = email.strip().lower()
    if "@" not in email:
        raise click.BadParameter("That does not look like an e-mail address.", param_hint="--email")
    if db.session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email)):
        raise click.ClickException(f"An account for {email} already exists.")
    password = _read_password()
    problems = password_problems(password, email)
    if problems:
        raise click.ClickException(" ".join(problems))
    user = StaffUser(email=email, display_name=display_name or email.split("@")[0], role=role,
                     password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    record(USER_CREATED, target_type="staff_user", target_id=user.id, detail={"role": role, "via": "cli"})
    db.session.commit()
    click.echo(f"Created {role} {email}. They set up their authenticator app at first sign-in.")


@users_cli.command("list")
@with_appcontext
def list_users() -> None:
    """Every account with its role."""
    for user in db.session.scalars(select(StaffUser).order_by(StaffUser.email)):
        state = "active" if user.active else "inactive"
        factor = "2FA" if user.totp_confirmed else "no 2FA yet"
        click.echo(f"{user.email}\t{user.role}\t{state}\t{factor}")


@users_cli.command("reset-two-factor")
@click.option("--email", required=True)
@with_appcontext
def reset_two_factor(email: str) -> None:
    """Let someone who lost their phone enrol a new authenticator app."""
    from feedback_app.audit.log import USER_CHANGED, record
    from feedback_app.staff.sessions import end_all_sessions

    user = db.session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    user.totp_secret, user.totp_confirmed, user.totp_last_step = None, False, 0
    record(USER_CHANGED, target_type="staff_user", target_id=user.id, detail={"change": "two_factor_reset", "via": "cli"})
    db.session.commit()
    end_all_sessions(user.id, "two_factor_reset")
    click.echo(f"{email} will set up a new authenticator app at next sign-in.")
