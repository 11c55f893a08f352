"""JSON API for financial steering: the framework with its adjustments, realisation per
municipality, indicators (read and write values) and waiting times, described by
procure.finance.schemas; a municipality token gets its own figures only.
"""

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from procure.api import bp
from procure.api.idempotency import idempotent
from procure.api.schemas import list_of
from procure.core.errors import NotAllowed, ValidationFailed
from procure.core.timeutil import today_local
from procure.extensions import db
from procure.finance import operations as ops
from procure.finance import policy
from procure.finance import queries as q
from procure.finance.schemas import (
    AdjustmentSchema,
    FinanceQuery,
    FrameworkSchema,
    IndicatorSchema,
    IndicatorValueInput,
    IndicatorValueSchema,
    MunicipalityFiguresSchema,
    WaitingTimesQuery,
    WaitingTimesSchema,
)
from procure.organisations.models import Region


def _m(value) -> str | None:
    return None if value is None else str(value)


def _region(args: dict) -> Region:
    if current_user.role not in policy.FINANCE_READERS:
        raise NotAllowed(_l("Geen toegang tot de financiële gegevens."))
    if current_user.region_id is None:
        region = db.session.execute(
            select(Region).filter_by(short_code=args.get("region", ""))
        ).scalar()
        if region is None:
            abort(404)
        return region
    return db.session.get(Region, current_user.region_id)


def _own() -> int | None:
    return None if policy.sees_region(current_user) else current_user.municipality_id


@bp.get("/finance/frameworks/<int(min=1900, max=2200):year>")
@bp.arguments(FinanceQuery, location="query")
@bp.response(200, FrameworkSchema)
def finance_framework(args, year):
    """Het budgettair kader van een jaar: posten met kader, mutaties, gecontracteerd,
    gerealiseerd en prognose (een gemeente: de eigen cijfers)"""
    region = _region(args)
    framework = q.framework_for(region.id, year)
    if framework is None:
        abort(404)
    table = q.framework_table(framework)
    steering = {s.line.id: s for s in q.steering_for(framework, today_local(), _own())}
    return {
        "region": region.short_code,
        "year": framework.year,
        "status": framework.status,
        "adopted_on": framework.adopted_on,
        "adoption_reference": framework.adoption_reference,
        "stated_total": _m(framework.stated_total),
        "total": _m(table.amount),
        "adjusted_total": _m(table.adjusted),
        "total_incl_incidental": _m(table.amount_incl),
        "adjusted_total_incl_incidental": _m(table.adjusted_incl),
        "lines": [
            {
                "code": r.line.code,
                "name": r.line.name,
                "parent": r.line.parent.code if r.line.parent else None,
                "previous": r.line.previous_line.code if r.line.previous_line else None,
                "kind": r.line.kind,
                "incidental": r.line.incidental,
                "amount": _m(r.amount),
                "adjustments": _m(r.adjustments),
                "adjusted": _m(r.adjusted),
                "contracted": _m(steering[r.line.id].contracted),
                "realised": _m(steering[r.line.id].realised),
                "forecast": _m(steering[r.line.id].forecast),
                "warnings": steering[r.line.id].warnings,
            }
            for r in table.rows
        ],
    }


@bp.get("/finance/frameworks/<int(min=1900, max=2200):year>/adjustments")
@bp.arguments(FinanceQuery, location="query")
@bp.response(200, list_of(AdjustmentSchema))
def finance_adjustments(args, year):
    """Mutaties op het kader, met besluit, datum en reden"""
    region = _region(args)
    framework = q.framework_for(region.id, year)
    if framework is None:
        abort(404)
    return {
        "items": [
            {
                "line": a.line.code,
                "amount": a.amount,
                "decided_on": a.decided_on,
                "decision_reference": a.decision_reference,
                "reason": a.reason,
            }
            for a in q.adjustments(framework)
        ]
    }


@bp.get("/finance/municipalities/<int(min=1900, max=2200):year>")
@bp.arguments(FinanceQuery, location="query")
@bp.response(200, list_of(MunicipalityFiguresSchema))
def finance_municipalities(args, year):
    """Geld per gemeente: budget, gecontracteerd, gerealiseerd (ook per 1.000 jeugdigen) en
    maatwerk (een gemeente ziet alleen zichzelf)"""
    region = _region(args)
    rows = q.municipality_overview(
        region,
        year,
        policy.visible_municipality_ids(current_user, region),
        include_unknown=policy.sees_region(current_user),
    )
    return {
        "items": [
            {
                "municipality": r.name,
                "known": r.municipality_id is not None,
                "share_pct": _m(r.share_pct),
                "young_inhabitants": r.young_inhabitants,
                "budget": _m(r.budget),
                "contracted": _m(r.contracted),
                "realised": _m(r.realised),
                "realised_per_1000_young": _m(r.realised_per_1000),
                "custom_contracts": r.custom_count,
                "custom_amount": _m(r.custom_amount),
            }
            for r in rows
        ]
    }


def _serialize_indicator(indicator, scope) -> dict:
    regional, per = q.indicator_series(indicator, scope)
    return {
        "code": indicator.code,
        "name": indicator.name,
        "definition": indicator.definition,
        "unit": indicator.unit,
        "direction": indicator.direction,
        "target_value": _m(indicator.target_value),
        "target_period": indicator.target_period or None,
        "values": [{"period": v.period, "value": _m(v.value)} for v in regional],
        "per_municipality": {
            name: {p: _m(v) for p, v in values.items()} for name, values in per.items()
        },
        "trend": q.trend(regional),
    }


@bp.get("/finance/indicators")
@bp.arguments(FinanceQuery, location="query")
@bp.response(200, list_of(IndicatorSchema))
def finance_indicators(args):
    """Indicatoren met doel, gemeten waarden per periode (en per gemeente) en trend"""
    region = _region(args)
    scope = None if policy.sees_region(current_user) else [current_user.municipality_id]
    return {"items": [_serialize_indicator(i, scope) for i in q.indicators(region.id)]}


@bp.post("/finance/indicators/<code>/values")
@idempotent
@bp.arguments(FinanceQuery, location="query")
@bp.arguments(IndicatorValueInput)
@bp.response(201, IndicatorValueSchema)
def finance_indicator_value(args, body, code):
    """Een gemeten waarde vastleggen (vervangt een eerdere van dezelfde periode en gemeente)"""
    region = _region(args)
    indicator = q.indicator_or_404(region, code)
    return ops.record_indicator_value(
        indicator,
        period=body["period"],
        value=body["value"],
        municipality=body["municipality"],
        source="api",
        actor=current_user,
    )


@bp.get("/finance/waiting-times")
@bp.arguments(WaitingTimesQuery, location="query")
@bp.response(200, WaitingTimesSchema)
def finance_waiting_times(args):
    """Wachttijden van een maand per aanbieder en categorie, met het aandeel aanbieders dat
    op tijd bijwerkte"""
    region = _region(args)
    try:
        _label, start = ops.parse_period(args["month"])
    except ValidationFailed:
        raise ValidationFailed(_l("Geef de maand als JJJJ-MM."), field="month") from None
    scope = None if policy.sees_region(current_user) else [current_user.municipality_id]
    summary = q.waiting_summary(region, start.replace(day=1), scope)
    return {
        "month": summary.period.strftime("%Y-%m"),
        "providers_expected": summary.providers_expected,
        "providers_in_time": summary.providers_in_time,
        "in_time_pct": _m(summary.in_time_pct),
        "average_days": _m(summary.average_days),
        "waiting": summary.waiting,
        "items": [
            {
                "provider": r.provider.short_code,
                "category": r.category,
                "average_days": _m(r.average_days),
                "waiting": r.waiting,
                "updated_on": r.updated_on,
            }
            for r in summary.rows
        ],
    }
