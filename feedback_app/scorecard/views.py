"""The board page, downloads, and the staff pages behind the scorecard (filled in below)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("scorecard", __name__, template_folder="templates")
