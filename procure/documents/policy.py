"""Who may read and write which documents, clauses and formats."""

from procure.auth.roles import ADMIN, CONTRACT_MANAGER, MUNICIPALITY, PROCUREMENT

# Region staff who draft documents on a record's page.
STAFF_WRITERS = (ADMIN, PROCUREMENT, CONTRACT_MANAGER)
# The clause library: officers edit it, contract managers read it as well.
CLAUSE_EDITORS = (ADMIN, PROCUREMENT)
CLAUSE_READERS = (ADMIN, PROCUREMENT, CONTRACT_MANAGER)
# Custom-contract formats: municipalities and the region's document writers.
FORMAT_USERS = (MUNICIPALITY, *STAFF_WRITERS)
