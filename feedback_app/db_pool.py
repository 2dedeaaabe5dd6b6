"""Pinging pooled database connections only when they have been idle.

SQLAlchemy's ``pool_pre_ping`` pings on every checkout: one extra round trip per request, about
a sixth of a page save's cost. A connection used a moment ago is as good as known alive, and a
broken one is still caught when the database restarts or drops it: SQLAlchemy invalidates the
pool on the first disconnect error, and every connection idle longer than the limit is pinged.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

_RETURNED_AT = "returned_at"


def ping_idle_connections(engine: Engine, idle_seconds: float) -> None:
    """Ping a connection on checkout when it sat in the pool longer than ``idle_seconds``."""
    @event.listens_for(engine, "checkin")
    def _note_return(_dbapi_connection: Any, record: Any) -> None:
        record.info[_RETURNED_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get(_RETURNED_AT)
        if returned is None or time.monotonic() - returned < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            # The pool discards this connection and checks out (or opens) another.
            raise DisconnectionError("stale pooled connection") from exc
