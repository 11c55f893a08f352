"""A large realisation file as a background job. The whole file is checked in the request
(every error listed, nothing written, nothing queued); a file that passes is booked by the
job in batches of lines, each batch checked again and booked all or nothing in its own
transaction, so the user sees the progress. A batch the contract no longer accepts (a
booking by hand in the meantime that reached the ceiling, a contract ended since) is
reported with its lines and books nothing; the other batches carry on. A file that fits
in one batch is booked in the request, as before."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from procure.contracts import operations as ops
from procure.contracts import queries as q
from procure.contracts.policy import can_manage
from procure.core.errors import NotAllowed
from procure.jobs import operations as job_ops
from procure.jobs.kinds import JobKind, register

KIND = "realisation_import"


def batch_size() -> int:
    return max(1, int(current_app.config["JOBS_IMPORT_BATCH_ROWS"]))


def batches(contract, lines, *, override: bool, override_reason) -> list[dict]:
    size = batch_size()
    items = []
    for start in range(0, len(lines), size):
        chunk = lines[start : start + size]
        items.append(
            {
                "contract_id": contract.id,
                "override": bool(override),
                "override_reason": override_reason or "",
                "rows": [line.as_item() for line in chunk],
                "label": _(
                    "%(contract)s, regels %(first)d-%(last)d",
                    contract=contract.reference,
                    first=chunk[0].line,
                    last=chunk[-1].line,
                ),
            }
        )
    return items


def import_file(contract, data, *, override: bool, override_reason, actor):
    """Check the file; book it now (a list of records) or queue it (the Job)."""
    lines = ops.check_realisation_csv(
        contract, data, override=override, override_reason=override_reason
    )
    if len(lines) <= batch_size():
        return ops.book_realisation_batch(
            contract,
            [line.as_item() for line in lines],
            override=override,
            override_reason=override_reason,
            actor=actor,
        )
    title = _(
        "Realisatie-import %(contract)s (%(n)d regels)", contract=contract.reference, n=len(lines)
    )
    return job_ops.submit(
        KIND,
        title[:300],
        batches(contract, lines, override=override, override_reason=override_reason),
        actor=actor,
        region_id=contract.region_id,
    )


def run_batch(item: dict, user) -> None:
    contract = q.get_visible_or_404(item["contract_id"], user=user)
    if not can_manage(user, contract):
        raise NotAllowed(_l("U mag de realisatie van dit contract niet (meer) vastleggen."))
    ops.book_realisation_batch(
        contract,
        item["rows"],
        override=item["override"],
        override_reason=item["override_reason"] or None,
        actor=user,
    )


def _contract_page(job) -> str | None:
    if not job.items:
        return None
    return url_for("contracts.detail", contract_id=job.items[0]["contract_id"]) + "#realisatie"


register(JobKind(KIND, _l("Realisatie importeren"), run_batch, result_url=_contract_page))
