"""Staff passwords: Argon2id hashing and the rules a new password must pass (requirement 9).

Argon2id with 46 MiB of memory, 1 pass, 1 lane: OWASP's first recommended setting. Passwords
are NFKC-normalised first, so the same password typed on two keyboards verifies, and long
Unicode passphrases work. Breach checks are offline: a shipped list of the commonest
passwords (no network call may leave the server).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app

MEMORY_KIB = 46 * 1024
MAX_LENGTH = 1024  # long enough for any passphrase, short enough not to be a denial of service

_hasher = PasswordHasher(time_cost=1, memory_cost=MEMORY_KIB, parallelism=1)
# Verifying against this when the e-mail is unknown makes both paths take as long.
_DUMMY_HASH = _hasher.hash("not-a-real-password-just-for-timing")


def normalise(password: str) -> str:
    """NFKC normal form: compatible characters (full-width, ligatures) compare equal."""
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password``."""
    return _hasher.hash(normalise(password))


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True if ``password`` matches; spends the same effort when there is no account."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, normalise(password)) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker settings than today's."""
    return _hasher.check_needs_rehash(stored_hash)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower-cased."""
    path = Path(__file__).resolve().parent / "data" / "common_passwords.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(normalise(line.strip()).casefold() for line in lines if line.strip() and not line.startswith("#"))


def password_problems(password: str, email: str = "") -> list[str]:
    """Why ``password`` is refused (an empty list when it is acceptable)."""
    problems = []
    text = normalise(password)
    minimum = int(current_app.config.get("STAFF_PASSWORD_MIN_LENGTH", 12))
    if len(text) < minimum:
        problems.append(f"Use at least {minimum} characters. A few unrelated words make a strong password.")
    if len(text) > MAX_LENGTH:
        problems.append(f"Use at most {MAX_LENGTH} characters.")
    folded = text.casefold()
    stripped = folded.rstrip("0123456789!?.")
    if folded in common_passwords() or stripped in common_passwords():
        problems.append("That password is one of the most common ones, so it is easy to guess. Choose another.")
    if len(set(folded)) <= 2 and folded:
        problems.append("Use more than one or two different characters.")
    local_part = email.split("@", 1)[0].casefold()
    if len(local_part) >= 4 and local_part in folded:
        problems.append("Do not use your e-mail address in your password.")
    return problems
