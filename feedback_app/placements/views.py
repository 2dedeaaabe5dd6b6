"""Admin pages: upload 903 files, read the validation report, download it, invitation batches."""

from __future__ import annotations

import io
from datetime import datetime

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from feedback_app.extensions import db
from feedback_app.models.placements import PlacementImport
from feedback_app.placements.parse import SourceFile
from feedback_app.placements.report import write_report_csv
from feedback_app.staff.roles import roles_required

bp = Blueprint("placements_admin", __name__, url_prefix="/admin/placements", template_folder="templates")

# Issues shown on the page; the CSV download always holds all of them.
PAGE_ISSUES = 500


# Placement data is for admins (requirement 13); each view carries the role for the access matrix.
admin_only = roles_required("admin")


@bp.after_request
def _no_store(response: Response) -> Response:
    # Reports name children's 903 ids: never cache them.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
@admin_only
def index() -> str:
    """Upload form and recent import runs."""
    runs = db.session.scalars(sa.select(PlacementImport).order_by(PlacementImport.id.desc()).limit(20)).all()
    return render_template("placements/index.html", runs=runs, errors={})


@bp.post("/")
@admin_only
def upload() -> ResponseReturnValue:
    """Run the importer on the uploaded files and show its report."""
    from feedback_app.placements.importer import PlacementImportError, run_import

    uploads = [f for f in request.files.getlist("files") if f and f.filename]
    errors: dict[str, str] = {}
    year_ending = None
    if not uploads:
        errors["files"] = _("Choose one or more 903 CSV files.")
    raw_year = request.form.get("year_ending", "").strip()
    if raw_year:
        try:
            year_ending = datetime.strptime(raw_year, "%Y-%m-%d").date()
        except ValueError:
            errors["year_ending"] = _("Enter the year end as YYYY-03-31, for example 2024-03-31.")
    if not errors:
        sources = [SourceFile(f.filename or "upload.csv", io.BytesIO(f.read())) for f in uploads]
        try:
            result = run_import(sources, skip_invalid=bool(request.form.get("skip_invalid")), year_ending=year_ending)
        except PlacementImportError as error:
            errors["year_ending"] = str(error)
        else:
            return redirect(url_for("placements_admin.report", import_id=result.import_id), code=303)
    runs = db.session.scalars(sa.select(PlacementImport).order_by(PlacementImport.id.desc()).limit(20)).all()
    return render_template("placements/index.html", runs=runs, errors=errors), 400


@bp.get("/imports/<int:import_id>")
@admin_only
def report(import_id: int) -> str:
    """One run: outcome, files, and its issues (the first PAGE_ISSUES on the page)."""
    run = db.session.get(PlacementImport, import_id) or abort(404)
    return render_template("placements/report.html", run=run, issues=run.report[:PAGE_ISSUES], page_issues=PAGE_ISSUES)


@bp.get("/imports/<int:import_id>/report.csv")
@admin_only
def report_csv(import_id: int) -> Response:
    """The whole report as CSV."""
    run = db.session.get(PlacementImport, import_id) or abort(404)
    buffer = io.StringIO()
    write_report_csv(run.report, buffer)
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="placements-import-{import_id}-report.csv"'},
    )


@bp.get("/invitations")
@admin_only
def invitations() -> str:
    """Form to create a batch of personal invitation links."""
    return render_template("placements/invitations.html", errors={})


@bp.post("/invitations")
@admin_only
def create_invitations_view() -> ResponseReturnValue:
    """Create a batch from pasted CHILD ids and show it, ready to print or export."""
    from feedback_app.placements.cli import read_child_ids
    from feedback_app.placements.linking import create_invitations

    ids = read_child_ids(request.form.get("children", ""))
    if not ids:
        return render_template("placements/invitations.html", errors={"children": _("Enter at least one CHILD id.")}), 400
    batch, _created = create_invitations(ids, request.form.get("survey_slug") or None)
    return redirect(url_for("placements_admin.invitation_batch", batch=batch), code=303)


@bp.get("/invitations/<batch>")
@admin_only
def invitation_batch(batch: str) -> str:
    """A batch as a printable table of CHILD ids and links."""
    from feedback_app.placements.cli import invitation_url
    from feedback_app.placements.linking import batch_invitations

    rows = [(i.child_ref, invitation_url(i.token), i.used_at) for i in batch_invitations(batch)]
    if not rows:
        abort(404)
    return render_template("placements/batch.html", batch=batch, rows=rows)


@bp.get("/invitations/<batch>.csv")
@admin_only
def invitation_batch_csv(batch: str) -> Response:
    """A batch as CSV (CHILD, link) for mail merge."""
    import csv

    from feedback_app.placements.cli import invitation_url
    from feedback_app.placements.linking import batch_invitations

    found = batch_invitations(batch)
    if not found:
        abort(404)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["CHILD", "link"])
    for invitation in found:
        writer.writerow([invitation.child_ref, invitation_url(invitation.token)])
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="invitations-{batch}.csv"'},
    )
