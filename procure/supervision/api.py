"""Signals API: intake for a municipality's own case system (with an Idempotency-Key),
lists and counts scoped exactly as the pages are (policy.py)."""

from datetime import date

from flask import abort, jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import extract, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from procure.api import bp, openapi
from procure.api.views import api_page_args, page_response
from procure.contracts.models import Contract
from procure.contracts.queries import visible as visible_contracts
from procure.core.errors import NotAllowed, ValidationFailed
from procure.core.listing import paginate
from procure.extensions import db
from procure.organisations.models import Municipality, Provider
from procure.supervision import operations as ops
from procure.supervision import policy
from procure.supervision.models import (
    CATEGORIES,
    MERGED,
    SIGNAL_MACHINE,
    SOURCES,
    STATE_LABELS,
    URGENCIES,
    Signal,
)


def signal_json(signal: Signal, user=None) -> dict:
    data = {
        "id": signal.id,
        "reference": signal.reference,
        "received_on": signal.received_on.isoformat(),
        "provider": {
            "id": signal.provider_id,
            "short_code": signal.provider.short_code,
            "name": signal.provider.name,
        },
        "contract": signal.contract.reference if signal.contract else None,
        "municipality": signal.municipality.name if signal.municipality else None,
        "source": signal.source,
        "category": signal.category,
        "urgency": signal.urgency,
        "description": signal.description,
        "state": signal.state,
        "state_label": SIGNAL_MACHINE.label(signal.state),
        "reporter": policy.reporter_view(signal, user),
    }
    if policy.can_see_investigation(user):
        data.update(
            {
                "triage_due_on": _iso(signal.triage_due_on),
                "triage_decision": signal.triage_decision,
                "investigation_due_on": _iso(signal.investigation_due_on),
                "other_party": signal.other_party,
                "follow_up_on": _iso(signal.follow_up_on),
                "assigned_to": signal.assigned_to.name if signal.assigned_to else None,
                "closed_on": _iso(signal.closed_on),
                "outcome": signal.outcome,
                "merged_into": signal.merged_into.reference if signal.merged_into else None,
            }
        )
    return data


def _iso(value):
    return value.isoformat() if value else None


def _options():
    return (
        joinedload(Signal.provider),
        joinedload(Signal.contract),
        joinedload(Signal.municipality),
        joinedload(Signal.assigned_to),
        joinedload(Signal.merged_into),
    )


def _resolve(model, value, *columns, base=None):
    """The row whose id or code is `value` (None: not given, False: not found). `base` is
    the scoped select to look in, so a hidden row reads as not found."""
    if value in (None, ""):
        return None
    base = select(model) if base is None else base
    for column in columns:
        if column.type.python_type is int:
            if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
                if int(value) >= 2**63:
                    continue
                row = db.session.execute(base.where(column == int(value))).scalar()
            else:
                continue
        else:
            row = db.session.execute(base.where(column == str(value))).scalar()
        if row is not None:
            return row
    return False


@bp.post("/signals")
def signals_create():
    if not policy.can_log():
        raise NotAllowed(_l("U kunt geen signalen melden."))
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        abort(415 if not request.is_json else 400)
    key = request.headers.get("Idempotency-Key")
    replay = ops.find_replayed(current_user, key.strip()) if key else None
    if replay is not None:
        response = jsonify(signal_json(replay))
        response.headers["Idempotent-Replayed"] = "true"
        return response, 200
    errors = []
    provider = _resolve(Provider, payload.get("provider"), Provider.id, Provider.short_code)
    if not provider:
        errors.append({"field": "provider", "message": str(_l("Onbekende aanbieder."))})
    contract = _resolve(
        Contract,
        payload.get("contract"),
        Contract.id,
        Contract.reference,
        base=visible_contracts(select(Contract), current_user),
    )
    if contract is False:
        errors.append({"field": "contract", "message": str(_l("Onbekend contract."))})
    municipality = _resolve(
        Municipality, payload.get("municipality"), Municipality.cbs_code, Municipality.name
    )
    if municipality is False:
        errors.append({"field": "municipality", "message": str(_l("Onbekende gemeente."))})
    received_on = None
    try:
        received_on = date.fromisoformat(str(payload.get("received_on", "")))
    except ValueError:
        errors.append(
            {"field": "received_on", "message": str(_l("Geef received_on als datum (JJJJ-MM-DD)."))}
        )
    if not isinstance(payload.get("description"), str):
        errors.append({"field": "description", "message": str(_l("Beschrijving ontbreekt."))})
    if errors:
        raise ValidationFailed(errors[0]["message"], field=errors[0]["field"], errors=errors)
    try:
        signal = ops.log_signal(
            actor=current_user,
            provider_id=provider.id,
            contract_id=contract.id if contract else None,
            municipality_id=municipality.id if municipality else None,
            source=payload.get("source", "municipality"),
            received_on=received_on,
            category=payload.get("category"),
            urgency=payload.get("urgency", "normal"),
            description=payload.get("description"),
            reporter_name=payload.get("reporter_name"),
            reporter_contact=payload.get("reporter_contact"),
            reporter_confidential=bool(payload.get("reporter_confidential", False)),
            idempotency_key=key,
            channel="api",
        )
    except IntegrityError:
        # A concurrent retry with the same key won the race: answer with its signal.
        db.session.rollback()
        replay = ops.find_replayed(current_user, key.strip()) if key else None
        if replay is None:
            raise
        return jsonify(signal_json(replay)), 200
    return jsonify(signal_json(signal)), 201


@bp.get("/signals")
def signals_list():
    if current_user.role not in (*policy.STAFF_ROLES, "municipality"):
        abort(403)
    stmt = policy.visible_signals(select(Signal)).options(*_options())
    state = request.args.get("state")
    if state:
        stmt = stmt.where(Signal.state == state)
    for arg, column in (("category", Signal.category), ("urgency", Signal.urgency)):
        if request.args.get(arg):
            stmt = stmt.where(column == request.args[arg])
    if request.args.get("provider"):
        stmt = stmt.join(Provider, Provider.id == Signal.provider_id).where(
            Provider.short_code == request.args["provider"]
        )
    year = request.args.get("year", type=int)
    if year:
        stmt = stmt.where(extract("year", Signal.received_on) == year)
    stmt = stmt.order_by(Signal.received_on.desc(), Signal.id.desc())
    return page_response(paginate(stmt, *api_page_args()), signal_json)


@bp.get("/signals/<int:signal_id>")
def signals_get(signal_id):
    return signal_json(policy.get_signal_or_404(signal_id, options=_options()))


@bp.get("/signals/counts")
def signals_counts():
    """Counts per state, category, provider and month received, over the signals the user
    may see (optionally received in ?year=)."""
    if current_user.role not in (*policy.COUNT_ROLES, "municipality"):
        abort(403)
    year = request.args.get("year", type=int)

    def grouped(*columns):
        stmt = policy.countable_signals(select(*columns, func.count(Signal.id))).where(
            Signal.state != MERGED
        )
        if year:
            stmt = stmt.where(extract("year", Signal.received_on) == year)
        return db.session.execute(stmt.group_by(*columns).order_by(*columns)).all()

    stmt = (
        policy.visible_signals(select(Provider.short_code, func.count(Signal.id)))
        .join(Provider, Provider.id == Signal.provider_id)
        .where(Signal.state != MERGED)
    )
    if year:
        stmt = stmt.where(extract("year", Signal.received_on) == year)
    by_provider = db.session.execute(
        stmt.group_by(Provider.short_code).order_by(Provider.short_code)
    ).all()
    y, m = extract("year", Signal.received_on), extract("month", Signal.received_on)
    return {
        "year": year,
        "state": {s: n for s, n in grouped(Signal.state)},
        "category": {c: n for c, n in grouped(Signal.category)},
        "provider": {p: n for p, n in by_provider},
        "month": {f"{int(a):04d}-{int(b):02d}": n for a, b, n in grouped(y, m)},
    }


# -- OpenAPI ------------------------------------------------------------------------------------

_date = {"type": "string", "format": "date"}
_date_null = {"type": "string", "format": "date", "nullable": True}
openapi.add_schema(
    "Signal",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "reference": {"type": "string"},
            "received_on": _date,
            "provider": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "short_code": {"type": "string"},
                    "name": {"type": "string"},
                },
            },
            "contract": {"type": "string", "nullable": True},
            "municipality": {"type": "string", "nullable": True},
            "source": {"type": "string", "enum": list(SOURCES)},
            "category": {"type": "string", "enum": list(CATEGORIES)},
            "urgency": {"type": "string", "enum": list(URGENCIES)},
            "description": {"type": "string"},
            "state": {"type": "string", "enum": list(STATE_LABELS)},
            "state_label": {"type": "string"},
            "reporter": {
                "type": "object",
                "nullable": True,
                "description": "Leeg (null) als de melder vertrouwelijk is en u geen "
                "toezichthouder bent.",
            },
            "triage_due_on": _date_null,
            "triage_decision": {"type": "string", "nullable": True},
            "investigation_due_on": _date_null,
            "other_party": {"type": "string", "nullable": True},
            "follow_up_on": _date_null,
            "assigned_to": {"type": "string", "nullable": True},
            "closed_on": _date_null,
            "outcome": {"type": "string", "nullable": True},
            "merged_into": {"type": "string", "nullable": True},
        },
    },
)
openapi.add_schema(
    "SignalInput",
    {
        "type": "object",
        "required": ["provider", "received_on", "category", "description"],
        "properties": {
            "provider": {"type": "string", "description": "id of korte code van de aanbieder"},
            "contract": {
                "type": "string",
                "description": "id of kenmerk; alleen een contract van deze aanbieder in uw regio",
            },
            "municipality": {"type": "string", "description": "CBS-code of naam"},
            "source": {"type": "string", "enum": list(SOURCES), "default": "municipality"},
            "received_on": _date,
            "category": {"type": "string", "enum": list(CATEGORIES)},
            "urgency": {"type": "string", "enum": list(URGENCIES), "default": "normal"},
            "description": {
                "type": "string",
                "description": "Zonder namen van cliënten of BSN; een "
                "tekst met een BSN wordt geweigerd.",
            },
            "reporter_name": {"type": "string"},
            "reporter_contact": {"type": "string"},
            "reporter_confidential": {"type": "boolean", "default": False},
        },
    },
)
_error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
openapi.add_path(
    "/signals",
    "post",
    {
        "summary": "Een signaal melden (gemeente, contractmanager, toezichthouder)",
        "parameters": [
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "maxLength": 100},
                "description": "Dezelfde sleutel van dezelfde gebruiker geeft het eerste "
                "signaal terug in plaats van een dubbel signaal.",
            }
        ],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/SignalInput"}}
            },
        },
        "responses": {
            "201": {
                "description": "Signaal vastgelegd",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Signal"}}
                },
            },
            "200": {
                "description": "Herhaald verzoek: het eerder vastgelegde signaal",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Signal"}}
                },
            },
            "403": {"description": "Rol mag geen signalen melden", **_error},
            "422": {"description": "Ongeldige gegevens", **_error},
        },
    },
)
openapi.add_path(
    "/signals",
    "get",
    {
        "summary": "Signalen, beperkt zoals op de pagina's (gemeente: eigen meldingen)",
        "parameters": [
            *openapi.PAGE_PARAMETERS,
            *(
                {"name": n, "in": "query", "schema": {"type": t}}
                for n, t in (
                    ("state", "string"),
                    ("category", "string"),
                    ("urgency", "string"),
                    ("provider", "string"),
                    ("year", "integer"),
                )
            ),
        ],
        "responses": openapi.list_response("Signal", "Pagina met signalen"),
    },
)
openapi.add_path(
    "/signals/{signal_id}",
    "get",
    {
        "summary": "Eén signaal",
        "parameters": [
            {"name": "signal_id", "in": "path", "required": True, "schema": {"type": "integer"}}
        ],
        "responses": openapi.object_response("Signal", "Het signaal"),
    },
)
openapi.add_path(
    "/signals/counts",
    "get",
    {
        "summary": "Aantallen signalen per status, categorie, aanbieder en maand",
        "parameters": [{"name": "year", "in": "query", "schema": {"type": "integer"}}],
        "responses": {
            "200": {
                "description": "Aantallen",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "year": {"type": "integer", "nullable": True},
                                **{
                                    k: {
                                        "type": "object",
                                        "additionalProperties": {"type": "integer"},
                                    }
                                    for k in ("state", "category", "provider", "month")
                                },
                            },
                        }
                    }
                },
            }
        },
    },
)
