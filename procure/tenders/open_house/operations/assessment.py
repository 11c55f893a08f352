"""Assessing applications: scores, requests for more information and their answers, the
decision."""

from datetime import datetime

from flask_babel import lazy_gettext as _l

from procure.audit import record
from procure.auth.roles import PROVIDER
from procure.core.errors import InvalidTransition, NotAllowed, ValidationFailed
from procure.core.operations import operation
from procure.core.types import utcnow
from procure.core.uploads import store_bytes
from procure.extensions import db
from procure.tenders.open_house import schedule
from procure.tenders.open_house.models import (
    CATEGORY_DECISIONS,
    SCORES,
    Application,
)
from procure.tenders.open_house.operations.admission import admit
from procure.tenders.open_house.operations.common import (
    UPLOAD_KINDS,
    as_text,
    day_label,
    moment_label,
    notify,
    read_uploads,
    settings_for,
)
from procure.tenders.open_house.policy import APPLICATION, MORE_INFO, SUBMITTED


@operation
def score(
    application: Application,
    scores: dict[int, tuple[str | None, str]],
    *,
    actor,
    now: datetime | None = None,
) -> Application:
    """Record the working group's score and remark per requirement."""
    now = now or utcnow()
    if application.status != SUBMITTED:
        raise InvalidTransition(_l("Alleen een ingediende aanvraag kan worden beoordeeld."))
    by_req = {a.requirement_id: a for a in application.answers}
    changed_old, changed_new = {}, {}
    for req_id, (value, remark) in scores.items():
        answer = by_req.get(int(req_id))
        if answer is None:
            raise ValidationFailed(_l("Onbekende eis in de beoordeling."))
        value = value or None
        if value is not None and value not in SCORES:
            raise ValidationFailed(_l("Ongeldige score."))
        remark = (remark or "").strip()
        if value in ("not_met", "more_info") and not remark:
            raise ValidationFailed(
                _l("Licht de score toe bij eis %(n)s.", n=answer.requirement.number),
                field=f"remark_{req_id}",
            )
        if (answer.score, answer.remark) != (value, remark):
            key = str(answer.requirement.number)
            changed_old[key] = {"score": answer.score, "remark": answer.remark}
            changed_new[key] = {"score": value, "remark": remark}
            answer.score, answer.remark = value, remark
            answer.scored_by_id, answer.scored_at = actor.id, now
    if changed_new:
        record(
            "open_house.application_scored",
            application,
            actor=actor,
            old=changed_old,
            new=changed_new,
        )
    return application


@operation
def request_more_info(
    application: Application,
    *,
    note: str,
    actor,
    response_days: int | None = None,
    now: datetime | None = None,
) -> Application:
    now = now or utcnow()
    APPLICATION.check(application.status, "more_info")
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(_l("Beschrijf welke informatie ontbreekt."), field="note")
    days = response_days or settings_for(application.tender).response_days
    if not 1 <= days <= 90:
        raise ValidationFailed(
            _l("De reactietermijn moet tussen 1 en 90 dagen liggen."), field="response_days"
        )
    APPLICATION.apply(application, "more_info", actor)
    application.info_request = note
    application.info_requested_at = now
    application.response_deadline = schedule.response_deadline(now, days)
    record(
        "open_house.more_info_requested",
        application,
        actor=actor,
        old={"status": "submitted"},
        new={
            "status": "more_info",
            "note": note,
            "response_deadline": application.response_deadline,
        },
    )
    notify(
        application,
        "more_info",
        as_text(
            _l(
                "Voor uw aanvraag %(ref)s is meer informatie nodig: %(note)s Reageer uiterlijk "
                "%(deadline)s.",
                ref=application.reference,
                note=note,
                deadline=moment_label(application.response_deadline),
            )
        ),
    )
    return application


@operation
def respond_to_info_request(
    application: Application,
    *,
    user,
    response: str,
    answers: dict[int, str] | None = None,
    files: dict | None = None,
    now: datetime | None = None,
) -> Application:
    now = now or utcnow()
    if user.role == PROVIDER and user.provider_id != application.provider_id:
        raise NotAllowed(_l("Dit is niet uw aanvraag."))
    APPLICATION.check(application.status, "submitted")
    if application.response_deadline and now > application.response_deadline:
        raise ValidationFailed(
            _l(
                "De reactietermijn is verstreken (%(deadline)s).",
                deadline=moment_label(application.response_deadline),
            )
        )
    response = (response or "").strip()
    if not response:
        raise ValidationFailed(_l("Geef de gevraagde informatie."), field="response")
    by_req = {a.requirement_id: a for a in application.answers}
    requirements = {rid: a.requirement for rid, a in by_req.items()}
    answers = {int(k): (v or "").strip() for k, v in (answers or {}).items() if v}
    files = {int(k): v for k, v in (files or {}).items()}
    if (set(answers) | set(files)) - set(by_req):
        raise ValidationFailed(_l("Een antwoord hoort bij een onbekende eis."))
    uploads = read_uploads(files, requirements)
    for req_id, text in answers.items():
        by_req[req_id].text = text
    for req_id, (data, filename) in uploads.items():
        by_req[req_id].file = store_bytes(
            data, filename, allowed=UPLOAD_KINDS, uploaded_by=user, field=f"file_{req_id}"
        )
    for answer in by_req.values():
        if answer.score == "more_info":
            answer.score = None
    application.info_response = response
    APPLICATION.apply(application, "submitted", user)
    record(
        "open_house.more_info_answered",
        application,
        actor=user,
        old={"status": "more_info"},
        new={
            "status": "submitted",
            "response": response,
            "answers_changed": sorted(by_req[r].requirement.number for r in answers),
            "files_added": sorted(by_req[r].requirement.number for r in uploads),
        },
    )
    return application


def _check_decision(
    application: Application, decisions: dict, reason: str, target: str, now: datetime
) -> None:
    """Refuses a decision the application's state or assessment does not allow: an
    admission while information is awaited or with a requirement not met, a rejection
    before the provider's response term ended or without a reason."""
    any_admitted = target == "admitted"
    if application.status == MORE_INFO:
        if any_admitted:
            raise InvalidTransition(
                _l("De aanvraag wacht op aanvullende informatie van de aanbieder.")
            )
        if application.response_deadline and now <= application.response_deadline:
            raise InvalidTransition(
                _l(
                    "De reactietermijn van de aanbieder loopt nog tot %(deadline)s.",
                    deadline=moment_label(application.response_deadline),
                )
            )
    APPLICATION.check(application.status, target)
    if "rejected" in decisions.values() and not reason:
        raise ValidationFailed(_l("Geef de reden van de afwijzing."), field="reason")
    if any_admitted:
        unscored = [a.requirement.number for a in application.answers if a.score != "meets"]
        if unscored:
            raise ValidationFailed(
                _l(
                    "Toelaten kan alleen als aan alle eisen is voldaan; eis %(numbers)s is nog "
                    "niet als 'voldoet' beoordeeld.",
                    numbers=", ".join(str(n) for n in unscored),
                )
            )


@operation
def decide(
    application: Application,
    *,
    decisions: dict[int, str],
    reason: str = "",
    actor,
    now: datetime | None = None,
) -> Application:
    """Admit per category or reject; admission creates or extends the provider's contract."""
    now = now or utcnow()
    reason = (reason or "").strip()
    links = {link.category_id: link for link in application.categories}
    decisions = {int(k): v for k, v in decisions.items()}
    if set(decisions) != set(links) or any(
        v not in CATEGORY_DECISIONS[1:] for v in decisions.values()
    ):
        raise ValidationFailed(
            _l("Neem voor elke aangevraagde categorie een besluit."), field="decisions"
        )
    any_admitted = "admitted" in decisions.values()
    target = "admitted" if any_admitted else "rejected"
    _check_decision(application, decisions, reason, target, now)
    old = APPLICATION.apply(application, target, actor)
    application.decided_at, application.decided_by_id = now, actor.id
    application.decision_reason = reason
    for cat_id, value in decisions.items():
        links[cat_id].decision = value
        links[cat_id].open_flag = None
    db.session.flush()
    contract, start = None, None
    admitted_links = [links[c] for c, v in decisions.items() if v == "admitted"]
    if admitted_links:
        start = (
            application.entry_moment.entry_date
            if application.entry_moment is not None
            else schedule.continuous_start(now, application.tender.contract_start)
        )
        contract = admit(application, admitted_links, start, actor)
    record(
        "open_house.application_decided",
        application,
        actor=actor,
        old={"status": old},
        new={
            "status": target,
            "reason": reason,
            "decisions": {links[c].category.code: v for c, v in decisions.items()},
            "contract": contract.reference if contract else None,
        },
    )
    if any_admitted:
        notify(application, "admitted", _admitted_message(application, admitted_links, start))
    else:
        notify(
            application,
            "rejected",
            as_text(
                _l(
                    "Uw aanvraag %(ref)s is afgewezen. Reden: %(reason)s",
                    ref=application.reference,
                    reason=reason,
                )
            ),
        )
    return application


def _admitted_message(application, links, start) -> str:
    new = [link.category.name for link in links if not link.additional]
    extra = [p.code for link in links if link.additional for p in link.products]
    parts = [as_text(_l("Uw aanvraag %(ref)s is toegewezen:", ref=application.reference))]
    if new:
        parts.append(
            as_text(
                _l(
                    "u bent toegelaten tot %(cats)s met ingang van %(day)s.",
                    cats=", ".join(new),
                    day=day_label(start),
                )
            )
        )
    if extra:
        parts.append(
            as_text(
                _l(
                    "de producten %(codes)s zijn met ingang van %(day)s aan uw contract "
                    "toegevoegd.",
                    codes=", ".join(extra),
                    day=day_label(start),
                )
            )
        )
    if application.decision_reason:
        parts.append(application.decision_reason)
    return " ".join(parts)
