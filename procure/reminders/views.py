from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l
from flask_login import login_required

bp = Blueprint("reminders", __name__, url_prefix="/meldingen")


@bp.get("/")
@login_required
def index():
    # Placeholder until the reminders issue lands: the navigation entry already works.
    return render_template("main/coming_soon.html", title=_l("Meldingen"))
