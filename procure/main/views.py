from flask import Blueprint, current_app, render_template, send_from_directory
from flask_login import login_required

from procure.main.dashboard import cards_for

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def dashboard():
    from flask_login import current_user

    return render_template("main/dashboard.html", cards=cards_for(current_user))


@bp.get("/gezondheid")
def health():
    return {"status": "ok"}


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page links; answer it, cached a day."""
    return send_from_directory(
        current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon", max_age=86400
    )
