"""Open-house operations, the only place that changes open houses, applications and
admissions, one module per stage: setup, applications, assessment, admission (and leaving).
Each operation validates first (Dutch messages), checks the state machine, writes the audit
log, and commits as one unit. This listing is the package's public interface."""

from procure.tenders.open_house.operations.admission import (
    ENDED_CONTRACT_STATUSES,
    admit,
    end_admission,
    tender_variant_is_lumpsum,
)
from procure.tenders.open_house.operations.applications import (
    admitted_products,
    next_open_moment,
    open_application_categories,
    plan_moment,
    queue_message,
    submit_application,
    withdraw_application,
)
from procure.tenders.open_house.operations.assessment import (
    decide,
    request_more_info,
    respond_to_info_request,
    score,
)
from procure.tenders.open_house.operations.common import (
    PROCEDURE,
    UPLOAD_KINDS,
    VARIANTS,
    as_text,
    day_label,
    ensure_open_house,
    localised,
    moment_label,
    moments,
    notify,
    read_uploads,
    settings_for,
    term_end,
)
from procure.tenders.open_house.operations.setup import (
    SCHEDULE_FIELDS,
    SETTINGS_FIELDS,
    TENDER_FIELDS,
    add_category,
    add_entry_moment,
    add_requirement,
    close,
    create_open_house,
    generate_entry_moments,
    publish,
    update_open_house,
)
from procure.tenders.open_house.operations.updates import (
    add_recipient,
    remove_recipient,
    send_moment_update,
)

__all__ = [
    "ENDED_CONTRACT_STATUSES",
    "PROCEDURE",
    "SCHEDULE_FIELDS",
    "SETTINGS_FIELDS",
    "TENDER_FIELDS",
    "UPLOAD_KINDS",
    "VARIANTS",
    "add_category",
    "add_entry_moment",
    "add_recipient",
    "add_requirement",
    "admit",
    "admitted_products",
    "as_text",
    "close",
    "create_open_house",
    "day_label",
    "decide",
    "end_admission",
    "ensure_open_house",
    "generate_entry_moments",
    "localised",
    "moment_label",
    "moments",
    "next_open_moment",
    "notify",
    "open_application_categories",
    "plan_moment",
    "publish",
    "queue_message",
    "read_uploads",
    "remove_recipient",
    "request_more_info",
    "respond_to_info_request",
    "score",
    "send_moment_update",
    "settings_for",
    "submit_application",
    "tender_variant_is_lumpsum",
    "term_end",
    "update_open_house",
    "withdraw_application",
]
