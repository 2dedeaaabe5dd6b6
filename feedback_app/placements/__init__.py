"""SSDA903 placement history: import with validation, DfE-style placement measures, per-child
features for the scorecard, and linking children to responses by a keyed hash.

Definitions: /work/shared/design/placement-measures.md (copied rules are cited in docstrings).
"""

from feedback_app.models import placements as _models  # noqa: F401 - registers the tables
