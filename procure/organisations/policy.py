"""Who may manage regions, municipalities and providers."""

from procure.auth.roles import ADMIN, PROCUREMENT

# The admin manages the region and its municipalities; officers also register providers.
REGION_ADMINS = (ADMIN,)
PROVIDER_REGISTRARS = (ADMIN, PROCUREMENT)
