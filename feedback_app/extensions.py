"""Flask extensions, created once here and bound to the app in create_app()."""

from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from feedback_app.models.base import Base

db = SQLAlchemy(model_class=Base)
# Batch mode lets SQLite alter tables; compare_type makes `flask db check` see column type changes.
migrate = Migrate(compare_type=True, render_as_batch=True)
babel = Babel()
csrf = CSRFProtect()


def _client_key() -> str:
    """Rate-limit key: a keyed hash of the client address, so counters never hold a raw IP.

    Counters live only in the limiter's store with a short expiry; nothing ties them to a
    response (requirement 2).
    """
    import hashlib
    import hmac

    from flask import current_app, request

    secret = str(current_app.config["SECRET_KEY"]).encode()
    address = (request.remote_addr or "unknown").encode()
    return hmac.new(secret, address, hashlib.sha256).hexdigest()[:24]


limiter = Limiter(key_func=_client_key, default_limits=[])
