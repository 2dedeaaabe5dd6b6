"""Deadlines in working time (requirement 20: 1 working hour for high severity, 1 working day otherwise)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app


def _settings() -> tuple[ZoneInfo, int, int, set[date]]:
    config = current_app.config
    zone = ZoneInfo(str(config.get("SAFEGUARDING_TIMEZONE", config.get("BABEL_DEFAULT_TIMEZONE", "Europe/London"))))
    start, end = config.get("SAFEGUARDING_WORKING_HOURS", (9, 17))
    holidays = {date.fromisoformat(str(d)) for d in config.get("SAFEGUARDING_HOLIDAYS", [])}
    return zone, int(start), int(end), holidays


def add_working_hours(start: datetime, hours: float) -> datetime:
    """The moment ``hours`` of working time after ``start`` (weekdays, working hours, not holidays)."""
    zone, day_start, day_end, holidays = _settings()
    remaining = timedelta(hours=hours)
    moment = start.astimezone(zone)
    for _ in range(3660):  # ten years of days: a bound, never reached in practice
        opens = moment.replace(hour=day_start, minute=0, second=0, microsecond=0)
        closes = moment.replace(hour=day_end, minute=0, second=0, microsecond=0)
        next_morning = (opens + timedelta(days=1)).replace(hour=day_start)
        if moment.weekday() >= 5 or moment.date() in holidays or moment >= closes:
            moment = next_morning
            continue
        moment = max(moment, opens)
        available = closes - moment
        if remaining <= available:
            return (moment + remaining).astimezone(UTC)
        remaining -= available
        moment = next_morning
    raise RuntimeError("No working time found: check SAFEGUARDING_WORKING_HOURS and SAFEGUARDING_HOLIDAYS")


def deadline_for(severity: str, raised_at: datetime) -> datetime:
    """When an alert of ``severity`` raised at ``raised_at`` must have been acknowledged."""
    config = current_app.config
    if severity == "high":
        hours = float(config.get("SAFEGUARDING_HIGH_DEADLINE_WORKING_HOURS", 1))
    else:
        hours = float(config.get("SAFEGUARDING_NORMAL_DEADLINE_WORKING_HOURS", 8))
    return add_working_hours(raised_at, hours)


def local_time(moment: datetime | None) -> str:
    """``moment`` as the council's wall-clock time, for pages and e-mails."""
    if moment is None:
        return ""
    zone, *_ = _settings()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).strftime("%a %d %b %Y %H:%M")
