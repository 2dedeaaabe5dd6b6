"""All models, imported here so Alembic sees every table."""

# Every capability's tables, so Alembic and the app always see the whole schema.
from feedback_app.models import actions, alerts, audit, placements, scorecard, staff, triage  # noqa: F401
from feedback_app.models.base import Base
from feedback_app.models.promises import Promise, Theme
from feedback_app.models.responses import Answer, Comment, Response
from feedback_app.models.surveys import SurveyVersion
from feedback_app.models.tagging import CommentTags

__all__ = ["Answer", "Base", "Comment", "CommentTags", "Promise", "Response", "SurveyVersion", "Theme"]
