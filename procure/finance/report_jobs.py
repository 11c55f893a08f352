"""Council and management reports made in the background: one item per report (the region's
and every municipality's, PDF and Excel), each made as the user who asked, kept as a
ReportFile for download from the reports page. A report that cannot be made is reported
on the job page; the others are made."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from procure.core.errors import NotAllowed, ValidationFailed
from procure.extensions import db
from procure.finance import operations as ops
from procure.finance import policy, reports
from procure.jobs import operations as job_ops
from procure.jobs.kinds import JobKind, register
from procure.organisations.models import Municipality, Region

KIND = "finance_reports"
FORMATS = ("pdf", "xlsx")


def _label(kind: str, period: str, municipality, region, fmt: str) -> str:
    name = _("Raadsrapportage") if kind == "raad" else _("Managementrapportage")
    who = municipality.name if municipality is not None else region.name
    return f"{name} {period} {who} ({fmt.upper()})"


def start_report_batch(user, region, kind: str, period: str):
    """Queue every report of one period the user may have: region staff get the region's
    and each municipality's, a municipality its own; each as PDF and Excel."""
    if kind not in reports.KINDS:
        raise ValidationFailed(_l("Onbekende rapportage."))
    try:
        reports.period_bounds(kind, period)
    except ValueError:
        raise ValidationFailed(_l("Periode '%(p)s' is ongeldig.", p=period)) from None
    if user.role not in policy.FINANCE_READERS or user.region_id != region.id:
        raise NotAllowed(_l("U mag de rapportages van deze regio niet maken."))
    items = [
        {
            "region_id": region.id,
            "kind": kind,
            "period": period,
            "municipality_id": municipality.id if municipality is not None else None,
            "fmt": fmt,
            "label": _label(kind, period, municipality, region, fmt)[:300],
        }
        for municipality in policy.report_targets(user, region)
        for fmt in FORMATS
    ]
    name = _("Raadsrapportages") if kind == "raad" else _("Managementrapportages")
    return job_ops.submit(KIND, f"{name} {period}", items, actor=user, region_id=region.id)


def run_item(item: dict, user) -> None:
    region = db.session.get(Region, item["region_id"])
    municipality = (
        db.session.get(Municipality, item["municipality_id"]) if item["municipality_id"] else None
    )
    allowed = policy.report_targets(user, region) if region is not None else []
    if region is None or user.region_id != region.id or municipality not in allowed:
        raise NotAllowed(_l("U mag deze rapportage niet (meer) maken."))
    ops.store_report(region, item["kind"], item["period"], municipality, item["fmt"], actor=user)


def _reports_page(job) -> str:
    return url_for("finance.report_index") + "#gemaakt"


register(JobKind(KIND, _l("Rapportages maken"), run_item, result_url=_reports_page))
