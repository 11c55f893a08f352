"""Pages of contract change: forms on the contract page (a panel) that post here, and the
register of subcontractors over every contract the user may see."""

from functools import cache

from flask import Blueprint, abort, g, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from procure.contracts import queries as q
from procure.contracts.changes import forms, policy
from procure.contracts.changes import operations as ops
from procure.contracts.changes.models import ContractAddendum, Subcontractor
from procure.contracts.models import Contract
from procure.contracts.policy import LIVE
from procure.core.kept import read
from procure.core.listing import list_cap, page_args, paginate
from procure.core.views import submit, submit_on_page, values
from procure.extensions import db
from procure.main.panels import panel

bp = Blueprint("contract_changes", __name__, url_prefix="/contracten")


# The panel's fold-out forms, each a link to the contract page with it open
# (?formulier=<name>, as the contract page's own: procure.contracts.views.FOLD_OUTS).
FOLD_OUTS = {
    "overgangstermijn": "transition_form",
    "addendum": "addendum_form",
    "onderaannemer": "subcontractor_form",
}


def _forms(contract, folds, *, transition: bool, addendum: bool, subcontractor: bool) -> dict:
    """The panel's forms the user may use and the page shows open: the refused one as the
    user filled it in, the one asked for fresh (a form the panel does not show is not
    built)."""
    given = getattr(g, "contract_change_forms", {})
    found = {}
    if transition and "overgangstermijn" in folds:
        found["transition_form"] = given.get("transition_form") or forms.TransitionForm(
            prefix="tr",
            data={"until": contract.transition_until, "note": contract.transition_note},
        )
    if addendum and "addendum" in folds:
        found["addendum_form"] = given.get("addendum_form") or forms.AddendumForm(prefix="ad")
    if subcontractor and "onderaannemer" in folds:
        sub = given.get("subcontractor_form") or forms.SubcontractorForm(prefix="sub")
        sub.provider_id.configure()  # searches the register: only for those who add
        found["subcontractor_form"] = sub
    return found


def _open_folds() -> set:
    """The fold-outs open: the one asked for and that of a refused form."""
    given = getattr(g, "contract_change_forms", {})
    folds = {name for name, key in FOLD_OUTS.items() if key in given}
    asked = request.args.get("formulier")
    if asked in FOLD_OUTS:
        folds.add(asked)
    return folds


@cache
def _addenda_shown():
    """The panel's addenda: the shown columns and the date of the contract version each
    produced, in one query (no row objects); built once per process."""
    from procure.documents.models import GeneratedDocument as Doc

    return (
        select(
            ContractAddendum.number,
            ContractAddendum.subject,
            ContractAddendum.agreed_on,
            ContractAddendum.effective_on,
            ContractAddendum.document_id,
            Doc.generated_at.label("document_generated_at"),
        )
        .outerjoin(Doc, Doc.id == ContractAddendum.document_id)
        .where(ContractAddendum.contract_id == bindparam("contract_id"))
        .order_by(ContractAddendum.number)
    )


@cache
def _subcontractors_shown():
    """The panel's subcontractors in the register: the shown columns."""
    return (
        select(
            Subcontractor.id,
            Subcontractor.name,
            Subcontractor.kvk_number,
            Subcontractor.work,
            Subcontractor.added_at,
        )
        .where(
            Subcontractor.contract_id == bindparam("contract_id"),
            Subcontractor.removed_at.is_(None),
        )
        .order_by(Subcontractor.name)
    )


@panel("contract")
def _changes_panel(contract, user):
    if not user.is_authenticated:
        return None
    may = {
        "transition": policy.can_set_transition(user, contract),
        "addendum": policy.can_add_addendum(user, contract),
        "subcontractor": policy.can_manage_subcontractors(user, contract),
    }
    folds = _open_folds()
    return Markup(  # noqa: S704 (an autoescaped template)
        render_template(
            "contracts/changes/panel.html",
            contract=contract,
            addenda=read(_addenda_shown(), {"contract_id": contract.id}).all(),
            subcontractors=read(_subcontractors_shown(), {"contract_id": contract.id}).all(),
            can_set_transition=may["transition"],
            can_add_addendum=may["addendum"],
            can_manage_subcontractors=may["subcontractor"],
            folds=folds,
            fold_url=url_for("contracts.detail", contract_id=contract.id) + "?formulier=",
            **_forms(contract, folds, **may),
        )
    )


def _run(contract, *action):
    """A form of the panel: refused, the contract page again with it filled in."""
    from procure.contracts.views import _render_detail

    def render(given):
        g.contract_change_forms = given
        return _render_detail(q.get_visible_or_404(contract.id, options=q.page_contract_options()))

    url = url_for("contracts.detail", contract_id=contract.id)
    return submit_on_page(*action, url=url, render=render)


@bp.post("/<int:contract_id>/overgangstermijn")
@login_required
def transition(contract_id):
    contract = q.get_visible_or_404(contract_id)
    form = forms.TransitionForm(prefix="tr")
    return _run(
        contract,
        lambda: ops.set_transition(contract, actor=current_user, **values(form, "until", note="")),
        _l("Overgangstermijn vastgelegd."),
        "#overgangstermijn",
        "transition_form",
        form,
    )


@bp.post("/<int:contract_id>/addenda")
@login_required
def addendum(contract_id):
    contract = q.get_visible_or_404(contract_id)
    form = forms.AddendumForm(prefix="ad")
    return _run(
        contract,
        lambda: ops.add_addendum(
            contract, actor=current_user, **values(form, "agreed_on subject body effective_on")
        ),
        lambda a: _l("Addendum %(n)d vastgelegd; nieuwe versie van de overeenkomst.", n=a.number),
        "#addenda",
        "addendum_form",
        form,
    )


@bp.post("/<int:contract_id>/onderaannemers")
@login_required
def subcontractor_add(contract_id):
    contract = q.get_visible_or_404(contract_id)
    form = forms.SubcontractorForm(prefix="sub")
    return _run(
        contract,
        lambda: ops.add_subcontractor(
            contract,
            actor=current_user,
            **values(form, provider_id=None, name="", kvk_number="", work=""),
        ),
        lambda s: _l("%(name)s toegevoegd aan het register.", name=s.name),
        "#onderaannemers",
        "subcontractor_form",
        form,
    )


@bp.post("/<int:contract_id>/onderaannemers/<int:sub_id>/verwijderen")
@login_required
def subcontractor_remove(contract_id, sub_id):
    contract = q.get_visible_or_404(contract_id)
    sub = db.session.get(Subcontractor, sub_id)
    if sub is None or sub.contract_id != contract.id:
        abort(404)
    return submit(
        lambda: ops.remove_subcontractor(sub, actor=current_user),
        success=_l("Onderaannemer uit het register gehaald."),
        target=url_for("contracts.detail", contract_id=contract.id) + "#onderaannemers",
    )


def visible_subcontractors(user=None):
    """Subcontractors of the contracts the user may see (the contract's scope rules)."""
    stmt = (
        select(Subcontractor)
        .join(Contract, Contract.id == Subcontractor.contract_id)
        .where(Subcontractor.removed_at.is_(None))
    )
    return q.visible(stmt, user)


@bp.get("/onderaannemers")
@login_required
def register():
    stmt = visible_subcontractors().options(
        joinedload(Subcontractor.contract).joinedload(Contract.provider)
    )
    rows = paginate(
        stmt.order_by(Contract.reference, Subcontractor.name), *page_args(50), cap=list_cap()
    )
    return render_template(
        "contracts/changes/register.html", rows=rows, contracted=_contracted(rows.items)
    )


def _contracted(subs) -> set[tuple[int, int]]:
    """(region, provider) pairs among `subs` with a live contract of their own, in one
    query: the register shows which subcontractors are not contracted by the region."""
    ids = {s.provider_id for s in subs if s.provider_id}
    if not ids:
        return set()
    rows = db.session.execute(
        select(Contract.region_id, Contract.provider_id)
        .where(Contract.provider_id.in_(ids), Contract.status.in_(LIVE))
        .distinct()
    )
    return {(region_id, provider_id) for region_id, provider_id in rows}
