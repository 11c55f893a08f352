from flask import Blueprint, render_template
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
