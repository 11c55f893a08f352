"""Dashboard, navigation, template helpers and the cross-domain registries."""

import functools

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user


@functools.cache
def _nav():
    """(endpoint, label, roles that see it; None = every logged-in user). The role sets come
    from the domains' policies, imported here because the policies import the models."""
    from procure.auth.roles import ADMIN
    from procure.finance.policy import FINANCE_READERS
    from procure.missing_care.policy import READERS as MISSING_CARE_READERS
    from procure.supervision.policy import VIEW_ROLES as SIGNAL_READERS

    return (
        ("main.dashboard", _l("Dashboard"), None),
        ("catalogue.index", _l("Catalogus"), None),
        ("tenders.index", _l("Aanbestedingen"), None),
        ("open_house.index", _l("Open house"), None),
        ("consultations.index", _l("Marktconsultaties"), None),
        ("contracts.index", _l("Contracten"), None),
        # administrators get counts, not signals (SPEC section 2): no menu entry
        ("supervision.index", _l("Signalen"), SIGNAL_READERS),
        ("finance.index", _l("Financiën"), FINANCE_READERS),
        ("missing_care.index", _l("Ontbrekend aanbod"), MISSING_CARE_READERS),
        ("documents.index", _l("Documenten"), None),
        ("organisations.providers", _l("Organisaties"), None),
        ("auth.users", _l("Gebruikers"), (ADMIN,)),
        ("audit.index", _l("Auditlog"), (ADMIN,)),
    )


_nav_links: dict[tuple, list] = {}


def main_nav():
    """(href, label, blueprint) of the menu entries the user sees: built once per role,
    locale and application root (the links do not change while the process runs)."""
    from flask import request, url_for

    if not current_user.is_authenticated:
        return []
    role = current_user.role
    key = (role, str(get_locale()), request.script_root)
    links = _nav_links.get(key)
    if links is None:
        links = _nav_links[key] = [
            (url_for(endpoint), str(label), endpoint.split(".")[0])
            for endpoint, label, roles in _nav()
            if roles is None or role in roles
        ]
    return links


def init_app(app) -> None:
    from procure.main.panels import panels_for

    app.jinja_env.globals.update(
        main_nav=main_nav,
        current_locale=lambda: str(get_locale()),
        panels_for=panels_for,
    )
