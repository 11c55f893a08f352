from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l
from flask_login import login_required

bp = Blueprint("contracts", __name__, url_prefix="/contracten")


@bp.get("/")
@login_required
def index():
    # Placeholder until the contracts issue lands: the navigation entry already works.
    return render_template("main/coming_soon.html", title=_l("Contracten"))
