"""Who may read and write which documents, clauses and formats."""

from procure.auth.roles import ADMIN, CONTRACT_MANAGER, MUNICIPALITY, PROCUREMENT

# Region staff who draft documents on a record's page.
STAFF_WRITERS = (ADMIN, PROCUREMENT, CONTRACT_MANAGER)
# The clause library: officers edit it, contract managers read it as well.
CLAUSE_EDITORS = (ADMIN, PROCUREMENT)
CLAUSE_READERS = (ADMIN, PROCUREMENT, CONTRACT_MANAGER)
# Custom-contract formats: municipalities and the region's document writers.
FORMAT_USERS = (MUNICIPALITY, *STAFF_WRITERS)
# Batches (background jobs): every contract of the region, or a year's letters.
BATCH_ROLES = STAFF_WRITERS
LETTER_ROLES = (ADMIN, PROCUREMENT)


def can_generate_award_batch(user, tender) -> bool:
    """All documents of one award: whoever may generate the tender's own documents."""
    from procure.documents.registry import REGISTRY

    return REGISTRY["tender"].can_generate(tender, user)


def can_generate_region_contracts(user) -> bool:
    return user.is_authenticated and user.role in BATCH_ROLES and user.region_id is not None


def can_generate_year_letters(user) -> bool:
    return user.is_authenticated and user.role in LETTER_ROLES and user.region_id is not None


def can_use_format(user) -> bool:
    """Download the custom-contract format (blank, or filled in from a custom contract)."""
    return user.is_authenticated and user.role in FORMAT_USERS


def can_see_fingerprints(user) -> bool:
    """Hashes and template versions are for administrators checking a document's origin."""
    return user.is_authenticated and user.role == ADMIN
