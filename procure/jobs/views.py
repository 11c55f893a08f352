"""The user's jobs: a list, and per job a progress page (done / total, errors) that
refreshes itself while the job runs, plus the same as JSON for scripts."""

from flask import Blueprint, abort, jsonify, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from procure.core.listing import list_cap, page_args, paginate
from procure.extensions import db
from procure.jobs.models import Job
from procure.jobs.policy import can_view

bp = Blueprint("jobs", __name__, url_prefix="/taken")


def _job_or_404(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None or not can_view(current_user, job):
        abort(404)
    return job


@bp.get("/")
@login_required
def index():
    page, per_page = page_args()
    stmt = select(Job).where(Job.user_id == current_user.id).order_by(Job.id.desc())
    return render_template("jobs/index.html", page=paginate(stmt, page, per_page, cap=list_cap()))


@bp.get("/<int:job_id>")
@login_required
def detail(job_id: int):
    return render_template("jobs/detail.html", job=_job_or_404(job_id))


@bp.get("/<int:job_id>.json")
@login_required
def progress(job_id: int):
    job = _job_or_404(job_id)
    return jsonify(
        id=job.id,
        status=job.status,
        total=job.total,
        done=job.done,
        failed=job.failed,
        percent=job.percent,
        errors=[{"item": e.item, "message": e.message} for e in job.errors],
        result_url=job.result_url or None,
    )
