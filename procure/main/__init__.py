"""Dashboard, navigation, template helpers and the cross-domain registries."""

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

# (endpoint, label, roles that see it; None = every logged-in user)
NAV = [
    ("main.dashboard", _l("Dashboard"), None),
    ("catalogue.index", _l("Catalogus"), None),
    ("tenders.index", _l("Aanbestedingen"), None),
    ("open_house.index", _l("Open house"), None),
    ("consultations.index", _l("Marktconsultaties"), None),
    ("contracts.index", _l("Contracten"), None),
    (
        "supervision.index",
        _l("Signalen"),
        # administrators get counts, not signals (SPEC section 2): no menu entry
        ("supervisor", "contract_manager", "municipality"),
    ),
    (
        "finance.index",
        _l("Financiën"),
        ("admin", "procurement", "contract_manager", "supervisor", "municipality"),
    ),
    (
        "missing_care.index",
        _l("Ontbrekend aanbod"),
        ("admin", "procurement", "contract_manager", "supervisor", "municipality"),
    ),
    ("documents.index", _l("Documenten"), None),
    ("organisations.providers", _l("Organisaties"), None),
    ("auth.users", _l("Gebruikers"), ("admin",)),
    ("audit.index", _l("Auditlog"), ("admin",)),
]


def main_nav():
    if not current_user.is_authenticated:
        return []
    return [
        (endpoint, label)
        for endpoint, label, roles in NAV
        if roles is None or current_user.role in roles
    ]


def init_app(app) -> None:
    from procure.main.panels import panels_for

    app.jinja_env.globals.update(
        main_nav=main_nav,
        current_locale=lambda: str(get_locale()),
        panels_for=panels_for,
    )
