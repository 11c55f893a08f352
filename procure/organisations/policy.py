"""Who may manage regions, municipalities and providers."""

from procure.auth.roles import ADMIN, PROCUREMENT

# The admin manages the region and its municipalities; officers also register providers.
REGION_ADMINS = (ADMIN,)
PROVIDER_REGISTRARS = (ADMIN, PROCUREMENT)


def can_manage_region(user) -> bool:
    """The region's own admin page (a global admin has no region to manage)."""
    return user.is_authenticated and user.role in REGION_ADMINS and user.region_id is not None


def can_register_provider(user) -> bool:
    return user.is_authenticated and user.role in PROVIDER_REGISTRARS
