"""Market consultation pages: thin views over operations and queries."""

from flask import Blueprint, abort, g, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import bindparam, select

from procure.catalogue.models import TaskArea
from procure.consultations import forms, policy, queries
from procure.consultations import operations as ops
from procure.consultations.models import MarketConsultation
from procure.core.kept import kept, scope_key
from procure.core.views import list_page, submit, submit_on_page, values
from procure.extensions import db
from procure.main.panels import panel
from procure.organisations.models import Region
from procure.tenders.models import Tender

bp = Blueprint("consultations", __name__, url_prefix="/marktconsultaties")


@bp.app_context_processor
def _labels():
    return {
        "consultation_labels": {
            "status": forms.STATUS_LABELS,
            "procedure": forms.PROCEDURE_LABELS,
        },
        "consultation_policy": policy,
    }


@bp.get("/")
@login_required
def index():
    return list_page(
        "consultations/index.html",
        queries.visible().order_by(MarketConsultation.created_at.desc()),
        per_page=25,
        can_create=policy.can_create(current_user),
    )


def _consultation_form():
    form = forms.ConsultationForm()
    areas = db.session.execute(
        select(TaskArea.id, TaskArea.name)
        .where(TaskArea.region_id == current_user.region_id)
        .order_by(TaskArea.name)
    ).all()
    form.task_area_id.choices = [("", "—"), *[(a.id, a.name) for a in areas]]
    return form


@bp.route("/nieuw", methods=["GET", "POST"])
@login_required
def new():
    if not policy.can_create(current_user):
        abort(403)
    form = _consultation_form()
    if request.method == "GET":
        return render_template("consultations/new.html", form=form)
    return submit(
        lambda: ops.create_consultation(
            region=db.session.get(Region, current_user.region_id),
            actor=current_user,
            **values(
                form, "title segment planned_procedure closes_on", "task_area_id", description=""
            ),
        ),
        form=form,
        success=lambda c: _l("Marktconsultatie %(ref)s aangemaakt.", ref=c.reference),
        target=lambda c: url_for("consultations.detail", consultation_id=c.id),
        page=lambda: render_template("consultations/new.html", form=form),
    )


def _outcome_form(consultation):
    form = forms.OutcomeForm(
        prefix="out", data={"outcome": consultation.outcome, "tender_id": consultation.tender_id}
    )
    tenders = db.session.execute(
        select(Tender.id, Tender.reference, Tender.title)
        .where(Tender.region_id == consultation.region_id)
        .order_by(Tender.reference)
    ).all()
    form.tender_id.choices = [("", "—"), *[(t.id, f"{t.reference} {t.title}") for t in tenders]]
    return form


def _answer_forms(consultation, answers, given) -> dict:
    """One answer form per question for a provider that may answer, holding its own
    earlier answer (or, after a refusal, what it typed)."""
    if not policy.can_answer(current_user, consultation):
        return {}
    own = {a.question_id: a.body for a in answers if a.provider_id == current_user.provider_id}
    result = {}
    for question in consultation.questions:
        if given is not None and given.question_id.data == str(question.id):
            result[question.id] = given
            continue
        result[question.id] = forms.AnswerForm(
            prefix="a",
            formdata=None,
            data={"question_id": question.id, "body": own.get(question.id, "")},
        )
    return result


def _render(consultation, status=200):
    given = getattr(g, "consultation_forms", {})
    answers = queries.answers_for(consultation)
    return (
        render_template(
            "consultations/detail.html",
            consultation=consultation,
            answers=answers,
            answer_forms=_answer_forms(consultation, answers, given.get("answer")),
            missing=_missing_care(consultation),
            question_form=given.get("question") or forms.QuestionForm(prefix="q"),
            document_form=given.get("document") or forms.DocumentForm(prefix="d"),
            outcome_form=given.get("outcome") or _outcome_form(consultation),
        ),
        status,
    )


def _missing_care(consultation):
    """The missing-care survey rows that fed this consultation (region staff only)."""
    if not policy.is_region_staff(current_user, consultation):
        return []
    from procure.missing_care.queries import linked_to

    return linked_to(consultation.id)


@bp.get("/<int:consultation_id>")
@login_required
def detail(consultation_id):
    return _render(queries.get_visible_or_404(consultation_id))


def _run(consultation, *action):
    """A form on the consultation page: refused, the page again with it filled in."""

    def render(given):
        g.consultation_forms = given
        return _render(queries.get_visible_or_404(consultation.id))[0]

    url = url_for("consultations.detail", consultation_id=consultation.id)
    return submit_on_page(*action, url=url, render=render)


@bp.post("/<int:consultation_id>/vragen")
@login_required
def question(consultation_id):
    consultation = queries.get_visible_or_404(consultation_id)
    form = forms.QuestionForm(prefix="q")
    return _run(
        consultation,
        lambda: ops.add_question(consultation, text=form.text.data, actor=current_user),
        lambda q: _l("Vraag %(n)d toegevoegd.", n=q.number),
        "#vragen",
        "question",
        form,
    )


@bp.post("/<int:consultation_id>/documenten")
@login_required
def document(consultation_id):
    consultation = queries.get_visible_or_404(consultation_id)
    form = forms.DocumentForm(prefix="d")
    return _run(
        consultation,
        lambda: ops.add_document(
            consultation, title=form.title.data, file_storage=form.file.data, actor=current_user
        ),
        _l("Document toegevoegd."),
        "#documenten",
        "document",
        form,
    )


@bp.get("/<int:consultation_id>/documenten/<int:document_id>")
@login_required
def document_file(consultation_id, document_id):
    consultation = queries.get_visible_or_404(consultation_id)
    found = next((d for d in consultation.documents if d.id == document_id), None)
    if found is None:
        abort(404)
    return found.file.send(as_attachment=True)


@bp.post("/<int:consultation_id>/status/<target>")
@login_required
def transition(consultation_id, target):
    consultation = queries.get_visible_or_404(consultation_id)
    if target not in ("open", "closed"):
        abort(404)
    success = (
        _l("Marktconsultatie open voor de markt.")
        if target == "open"
        else _l("Marktconsultatie gesloten.")
    )
    return submit(
        lambda: ops.move(consultation, target, actor=current_user),
        success=success,
        target=url_for("consultations.detail", consultation_id=consultation.id),
    )


@bp.post("/<int:consultation_id>/antwoorden")
@login_required
def answer(consultation_id):
    consultation = queries.get_visible_or_404(consultation_id)
    form = forms.AnswerForm(prefix="a")
    found = next(
        (q for q in consultation.questions if str(q.id) == (form.question_id.data or "")), None
    )
    if found is None:
        abort(404)
    return _run(
        consultation,
        lambda: ops.answer(found, body=form.body.data, actor=current_user),
        lambda a: _l("Antwoord op vraag %(n)d opgeslagen.", n=found.number),
        f"#vraag-{found.number}",
        "answer",
        form,
    )


@bp.post("/<int:consultation_id>/uitkomst")
@login_required
def outcome(consultation_id):
    consultation = queries.get_visible_or_404(consultation_id)
    form = _outcome_form(consultation)
    return _run(
        consultation,
        lambda: ops.record_outcome(
            consultation, actor=current_user, **values(form, "outcome tender_id")
        ),
        _l("Uitkomst vastgelegd."),
        "#uitkomst",
        "outcome",
        form,
    )


@panel("tender")
def _tender_panel(tender, user):
    """On the tender page: the consultation that prepared it, with its outcome."""
    stmt = kept(
        ("consultations of a tender", *scope_key(user)),
        lambda: queries.visible(
            select(MarketConsultation).where(MarketConsultation.tender_id == bindparam("tender")),
            user,
        ),
    )
    found = list(db.session.execute(stmt, {"tender": tender.id}).scalars())
    if not found:
        return None
    return Markup(  # noqa: S704 (an autoescaped template)
        render_template("consultations/_tender_panel.html", consultations=found)
    )
