"""All models, imported here so Alembic sees every table."""

from feedback_app.models import placements  # noqa: F401 - SSDA903 tables
from feedback_app.models.base import Base
from feedback_app.models.promises import Promise, Theme
from feedback_app.models.responses import Answer, Comment, Response
from feedback_app.models.surveys import SurveyVersion
from feedback_app.models.tagging import CommentTags

__all__ = ["Answer", "Base", "Comment", "CommentTags", "Promise", "Response", "SurveyVersion", "Theme"]
