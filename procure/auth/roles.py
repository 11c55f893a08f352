from flask_babel import lazy_gettext as _l

ADMIN = "admin"
PROCUREMENT = "procurement"
CONTRACT_MANAGER = "contract_manager"
SUPERVISOR = "supervisor"
MUNICIPALITY = "municipality"
PROVIDER = "provider"

ROLE_LABELS = {
    ADMIN: _l("Beheerder"),
    PROCUREMENT: _l("Inkoper"),
    CONTRACT_MANAGER: _l("Contractmanager"),
    SUPERVISOR: _l("Toezichthouder"),
    MUNICIPALITY: _l("Gemeente"),
    PROVIDER: _l("Aanbieder"),
}
ROLES = tuple(ROLE_LABELS)
# Roles whose users work for the region (as opposed to a municipality or a provider).
REGION_STAFF = (ADMIN, PROCUREMENT, CONTRACT_MANAGER, SUPERVISOR)
