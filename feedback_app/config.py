"""Settings per environment.

Production defaults are the safe ones: it refuses to start on SQLite or with the development
secret key (security-privacy requirement 28), and cookies are Secure with the ``__Host-`` prefix.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

DEV_SECRET = "dev-only-not-secret"  # noqa: S105 - a marker that production refuses
# A fixed development key so that `make run` works with no setup; production must set its own.
DEV_ENCRYPTION_KEY = "ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzItYnl0ZXM="


class ConfigurationError(RuntimeError):
    """Raised when settings are unsafe for the environment they run in."""


class BaseConfig:
    """Settings shared by every environment; each can be overridden from the environment."""

    ENV_NAME = "base"
    SECRET_KEY = DEV_SECRET
    # No pool_pre_ping: it costs a round trip on every request. A pooled connection idle longer
    # than DB_PING_AFTER_IDLE_SECONDS is pinged before use instead (feedback_app/db_pool.py), which
    # catches a database restart or a firewall's idle cut-off just the same.
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {}
    DB_PING_AFTER_IDLE_SECONDS = 10.0
    WTF_CSRF_TIME_LIMIT = 3600 * 4
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Europe/London"
    # Locales whose catalogues are complete; adding one is a catalogue plus this list's entry
    # in the environment (SUPPORTED_LOCALES=en,ar,...), not code. Right-to-left ones first after English,
    # as the children who most need their own language are the newest arrivals.
    SUPPORTED_LOCALES = ["en", "ar", "ur", "fa", "ckb", "ps", "pl", "ro", "ti", "sq"]
    COUNCIL_NAME = "Leeds City Council"
    OUT_OF_HOURS_PHONE = "0113 535 0600"
    OUT_OF_HOURS_LABEL = "Leeds Children's Social Work Service, Emergency Duty Team"
    DRAFT_RETENTION_DAYS = 30
    # Free text is kept two years after submission, then deleted (counts stay).
    FREE_TEXT_RETENTION_DAYS = 730
    MAX_TEXT_LENGTH = 5000
    # Room for 5,000 characters of four-byte script, percent-encoded, with the rest of the form.
    MAX_CONTENT_LENGTH = 256 * 1024
    FIELD_ENCRYPTION_KEY = DEV_ENCRYPTION_KEY
    # Keyed hash of the 903 CHILD id: the only way the rest of the system knows a child.
    CHILD_KEY_SECRET = "dev-only-child-key-secret"  # noqa: S105 - production refuses it
    PUBLIC_BASE_URL = ""  # absolute links in printed invitations, e.g. https://yourvoice.leeds.gov.uk
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_ENABLED = True
    # Per client address (hashed). A child answering quickly saves a page every few seconds.
    RESUME_RATE_LIMIT = "10 per minute;50 per hour"
    PAGE_SAVE_RATE_LIMIT = "120 per minute"
    SUBMIT_RATE_LIMIT = "20 per minute"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "session"
    PERMANENT_SESSION_LIFETIME = 3600 * 4
    # A copy of the shared contract ships with the app; a test keeps it identical to ../shared.
    TAXONOMY_PATH = str(Path(__file__).resolve().parent / "data" / "taxonomy.yaml")
    SURVEY_DEFINITIONS_DIR = str(Path(__file__).resolve().parent / "surveys" / "definitions")
    TAG_COMMENTS_INLINE = True
    # Staff side (feedback_app/staff, safeguarding): see README "Settings".
    STAFF_SIGN_IN_RATE_LIMIT = "10 per minute;100 per hour"
    STAFF_IDLE_TIMEOUT_MINUTES = 30
    STAFF_ABSOLUTE_TIMEOUT_HOURS = 8
    STAFF_TOTP_ISSUER = "Your voice (Leeds)"
    MAIL_SERVER = ""  # empty: e-mails are written to the outbox and the log only (development)
    MAIL_PORT = 25
    MAIL_FROM = "your-voice@localhost"
    SAFEGUARDING_LEAD_EMAIL = ""
    SAFEGUARDING_DEPUTY_EMAIL = ""
    SAFEGUARDING_HIGH_DEADLINE_WORKING_HOURS = 1
    SAFEGUARDING_NORMAL_DEADLINE_WORKING_HOURS = 8
    SUPPRESSION_THRESHOLD = 10
    TRIAGE_TARGET_DAYS = 5
    HSTS = False


class DevelopmentConfig(BaseConfig):
    """`make run`: an embedded SQLite database in instance/."""

    ENV_NAME = "development"
    # The demo's accounts (feedback_app/staff/demo.py); e-mails go to the console, not a server.
    SAFEGUARDING_LEAD_EMAIL = "safeguarding.lead@demo.invalid"
    SAFEGUARDING_DEPUTY_EMAIL = "admin@demo.invalid"


class TestingConfig(BaseConfig):
    """The test suite: SQLite unless TEST_DATABASE_URL names PostgreSQL."""

    ENV_NAME = "testing"
    TESTING = True
    # Flask-Limiter keeps "enabled" on its one shared object, so tests keep it on with limits no
    # test reaches; the rate-limit tests build an app with low limits instead.
    RESUME_RATE_LIMIT = "100000 per minute"
    PAGE_SAVE_RATE_LIMIT = "100000 per minute"
    SUBMIT_RATE_LIMIT = "100000 per minute"
    STAFF_SIGN_IN_RATE_LIMIT = "100000 per minute"


class ProductionConfig(BaseConfig):
    """Live service: every unsafe default is refused in `validate`."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-session"
    SESSION_COOKIE_SAMESITE = "Strict"
    HSTS = True


CONFIGS: dict[str, type[BaseConfig]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}

# Settings read from the environment when set, with the type to parse them as.
_ENV_OVERRIDES: dict[str, type] = {
    "SECRET_KEY": str,
    "FIELD_ENCRYPTION_KEY": str,
    "CHILD_KEY_SECRET": str,
    "PUBLIC_BASE_URL": str,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_FROM": str,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "SAFEGUARDING_LEAD_EMAIL": str,
    "SAFEGUARDING_DEPUTY_EMAIL": str,
    "STAFF_BASE_URL": str,
    "SUPPRESSION_THRESHOLD": int,
    "COUNCIL_NAME": str,
    "OUT_OF_HOURS_PHONE": str,
    "OUT_OF_HOURS_LABEL": str,
    "RATELIMIT_STORAGE_URI": str,
    "RESUME_RATE_LIMIT": str,
    "PAGE_SAVE_RATE_LIMIT": str,
    "SUBMIT_RATE_LIMIT": str,
    "DRAFT_RETENTION_DAYS": int,
    "DB_PING_AFTER_IDLE_SECONDS": float,
    "FREE_TEXT_RETENTION_DAYS": int,
    "TAXONOMY_PATH": str,
    "SURVEY_DEFINITIONS_DIR": str,
}


def load_config(env_name: str | None, instance_path: str, overrides: dict[str, Any] | None) -> dict[str, Any]:
    """Build the settings dictionary for ``env_name`` from class defaults, environment and overrides."""
    name = env_name or os.environ.get("FEEDBACK_ENV", "development")
    if name not in CONFIGS:
        raise ConfigurationError(f"Unknown environment {name!r}; use one of {sorted(CONFIGS)}")
    cls = CONFIGS[name]
    settings = {key: getattr(cls, key) for key in dir(cls) if key.isupper()}
    for key, kind in _ENV_OVERRIDES.items():
        if key in os.environ:
            settings[key] = kind(os.environ[key])
    if "RATELIMIT_ENABLED" in os.environ:
        settings["RATELIMIT_ENABLED"] = os.environ["RATELIMIT_ENABLED"].lower() in ("1", "true", "yes")
    if "SUPPORTED_LOCALES" in os.environ:
        settings["SUPPORTED_LOCALES"] = [c.strip() for c in os.environ["SUPPORTED_LOCALES"].split(",") if c.strip()]
    if name == "testing":
        url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'test.sqlite'}"
    else:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'feedback.sqlite'}"
    settings["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    settings.update(overrides or {})
    validate(name, settings)
    return settings


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgres URLs, as hosting platforms hand them out."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def validate(name: str, settings: dict[str, Any]) -> None:
    """Refuse unsafe production settings (requirement 28)."""
    if name != "production":
        return
    if settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        raise ConfigurationError("Production refuses SQLite: set DATABASE_URL to PostgreSQL.")
    if settings["SECRET_KEY"] in (DEV_SECRET, "", None) or len(str(settings["SECRET_KEY"])) < 32:
        raise ConfigurationError("Production needs its own SECRET_KEY of at least 32 characters.")
    if settings["FIELD_ENCRYPTION_KEY"] == DEV_ENCRYPTION_KEY:
        raise ConfigurationError("Production needs its own FIELD_ENCRYPTION_KEY.")
    if settings["CHILD_KEY_SECRET"] == BaseConfig.CHILD_KEY_SECRET:
        raise ConfigurationError("Production needs its own CHILD_KEY_SECRET.")
