"""Contract operations, the only place that changes contracts, one module per aggregate:
lifecycle, budgets (and payments), realisation, custom (maatwerk) and management (provider
management). Every operation runs in one transaction and writes the audit log. This listing
is the package's public interface."""

from procure.contracts.operations.budgets import (
    add_contract_product,
    draw_reserve,
    lumpsum_value,
    monthly_schedule,
    register_payment,
    set_thresholds,
    set_unit_price,
    set_year_budget,
)
from procure.contracts.operations.custom import create_custom_contract
from procure.contracts.operations.lifecycle import (
    DEFAULT_DECISION_MONTHS,
    VARIANTS,
    activate_contract,
    add_extension_option,
    assign_manager,
    create_concept_contract,
    decline_option,
    end_contract,
    exercise_option,
    lapse_overdue_options,
    next_reference,
    terminate_contract,
)
from procure.contracts.operations.management import (
    complete_action,
    record_assessment,
    record_meeting,
    set_management_level,
    set_next_meeting,
)
from procure.contracts.operations.realisation import (
    CSV_COLUMNS,
    CsvLine,
    book_realisation_batch,
    check_realisation_csv,
    import_realisation_csv,
    level_for,
    record_realisation,
    utilisation,
)

__all__ = [
    "CSV_COLUMNS",
    "DEFAULT_DECISION_MONTHS",
    "VARIANTS",
    "CsvLine",
    "activate_contract",
    "add_contract_product",
    "add_extension_option",
    "assign_manager",
    "book_realisation_batch",
    "check_realisation_csv",
    "complete_action",
    "create_concept_contract",
    "create_custom_contract",
    "decline_option",
    "draw_reserve",
    "end_contract",
    "exercise_option",
    "import_realisation_csv",
    "lapse_overdue_options",
    "level_for",
    "lumpsum_value",
    "monthly_schedule",
    "next_reference",
    "record_assessment",
    "record_meeting",
    "record_realisation",
    "register_payment",
    "set_management_level",
    "set_next_meeting",
    "set_thresholds",
    "set_unit_price",
    "set_year_budget",
    "terminate_contract",
    "utilisation",
]
