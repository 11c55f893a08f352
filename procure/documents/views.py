"""Documents: the library, a documents page per record, the custom-contract format and the
clause library. Thin: every change goes through procure.documents.operations."""

from __future__ import annotations

import io
from collections import namedtuple

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import selectinload

from procure.auth.models import User
from procure.auth.permissions import role_required, scoped
from procure.auth.roles import ADMIN, CONTRACT_MANAGER, MUNICIPALITY, PROCUREMENT
from procure.core.errors import OperationError, ValidationFailed
from procure.core.kept import kept, kept_page, page_statements, scope_key
from procure.core.labels import Labels, resolved, url_pattern
from procure.core.listing import like_pattern, order_by_key, page_args
from procure.core.views import show_refusal, submit, values
from procure.documents import batches
from procure.documents import operations as ops
from procure.documents.clauses import BY_KEY, STANDARD
from procure.documents.contexts import CustomFormat, choices_for, custom_format_spec
from procure.documents.forms import (
    BatchForm,
    ChoicesForm,
    ClauseForm,
    GenerateForm,
    SignedUploadForm,
)
from procure.documents.library import current_clauses
from procure.documents.models import KINDS, LETTER_KINDS, ClauseVersion, GeneratedDocument
from procure.documents.policy import (
    CLAUSE_EDITORS,
    CLAUSE_READERS,
    FORMAT_USERS,
    can_see_fingerprints,
    can_use_format,
)
from procure.documents.registry import REGISTRY
from procure.documents.sandbox import ALLOWED_FIELDS
from procure.extensions import db
from procure.organisations.models import Municipality, Region

bp = Blueprint("documents", __name__, url_prefix="/documenten")

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.app_context_processor
def _format_policy():
    # the contract pages offer the custom-contract format next to the contract
    return {"can_use_format": can_use_format}


# -- library ---------------------------------------------------------------------------------


def visible_documents(stmt=None):
    """Generated documents the current user may see (`stmt`, default select(GeneratedDocument),
    limited): the model's scope, and no letters for municipalities (a letter is for the
    region and the provider it is addressed to)."""
    from procure.contracts.queries import CUSTOM_HIDDEN_FOR

    stmt = scoped(select(GeneratedDocument) if stmt is None else stmt, GeneratedDocument)
    if current_user.role == MUNICIPALITY:
        stmt = stmt.where(GeneratedDocument.kind.notin_(LETTER_KINDS))
    if current_user.role in CUSTOM_HIDDEN_FOR:  # as on the contract pages
        stmt = stmt.where(GeneratedDocument.kind != "custom_contract")
    return stmt


def _document_or_404(doc_id: int) -> GeneratedDocument:
    doc = db.session.execute(visible_documents().where(GeneratedDocument.id == doc_id)).scalar()
    if doc is None:
        abort(404)
    return doc


class _RecordUrls:
    """record_url(record_type, record_id) -> the documents page of that record: one routing
    build per record type instead of one per row."""

    def __init__(self):
        self._patterns = {}

    def __call__(self, record_type: str, record_id: int) -> str:
        pattern = self._patterns.get(record_type)
        if pattern is None:
            pattern = self._patterns[record_type] = url_pattern(
                "documents.record", "record_id", record_type=record_type
            )
        return pattern(record_id)


# The library's rows: the columns the list shows, the maker's name joined in.
_LIBRARY_ROWS = select(
    GeneratedDocument.id,
    GeneratedDocument.record_type,
    GeneratedDocument.record_id,
    GeneratedDocument.title,
    GeneratedDocument.kind,
    GeneratedDocument.generated_at,
    User.name.label("generated_by_name"),
    GeneratedDocument.docx_file_id,
    GeneratedDocument.signed_file_id,
).outerjoin(User, User.id == GeneratedDocument.generated_by_id)


class _LibraryRow(
    namedtuple("_LibraryRow", "title kind generated_at generated_by_name record pdf docx signed")
):
    """A document as the library lists it, with its links: its record's documents page and
    the downloads (docx and signed None when there is none). The links are put together
    from one URL pattern per kind of link (no routing build per row)."""

    __slots__ = ()

    @classmethod
    def of(cls, rows) -> list:
        record_url = _RecordUrls()
        pdf, docx, signed = (
            url_pattern("documents.download", "doc_id", variant=variant)
            for variant in ("pdf", "docx", "ondertekend")
        )
        return [
            cls(
                row.title,
                row.kind,
                row.generated_at,
                row.generated_by_name,
                record_url(row.record_type, row.record_id),
                pdf(row.id),
                docx(row.id) if row.docx_file_id else None,
                signed(row.id) if row.signed_file_id else None,
            )
            for row in rows
        ]


_LIBRARY_SORTS = {
    "generated": GeneratedDocument.generated_at,
    "title": GeneratedDocument.title,
    "kind": GeneratedDocument.kind,
}


def _library_statements(searched: bool, kind: bool, sort: str | None, direction: str) -> tuple:
    """The library's page and count statements for the current user: searched on title or
    reference (parameter q_pattern), of one kind (q_kind), in the order asked for (`sort`
    None: newest first). Kept per scope and shape (core.kept); the values are parameters."""

    def narrowed(stmt):
        stmt = visible_documents(stmt)
        if searched:
            pattern = bindparam("q_pattern")
            stmt = stmt.where(
                or_(
                    GeneratedDocument.title.ilike(pattern, escape="\\"),
                    GeneratedDocument.reference.ilike(pattern, escape="\\"),
                )
            )
        if kind:
            stmt = stmt.where(GeneratedDocument.kind == bindparam("q_kind"))
        return stmt

    def build():
        rows = narrowed(_LIBRARY_ROWS)
        if sort is None:
            rows = rows.order_by(GeneratedDocument.generated_at.desc())
        else:
            rows = order_by_key(rows, _LIBRARY_SORTS, sort, direction)
        return page_statements(rows, narrowed(select(GeneratedDocument.id)))

    key = ("documents.library", searched, kind, sort, direction, *scope_key())
    return kept(key, build)


@bp.get("/")
@login_required
def index():
    page, per_page = page_args()
    q = request.args.get("q", "").strip()
    kind = request.args.get("kind", "")
    # ?sort= and ?dir= as listing.apply_sort reads them; without ?sort= newest first
    sort = request.args.get("sort", "generated")
    sort = sort if sort in _LIBRARY_SORTS else "generated"
    direction = request.args.get("dir")
    direction = direction if direction in ("asc", "desc") else "asc"
    explicit = "sort" in request.args
    if not explicit:
        direction = "desc"
    params = {}
    if q:
        params["q_pattern"] = like_pattern(q)
    if kind in KINDS:
        params["q_kind"] = kind
    statements = _library_statements(bool(q), kind in KINDS, sort if explicit else None, direction)
    result = kept_page(statements, params, page, per_page, rows=_LibraryRow.of)
    kind_labels = resolved(KINDS)  # as text once per page, not a translation per row
    return render_template(
        "documents/pages/index.html",
        page=result,
        q=q,
        kind=kind,
        kinds={
            k: v
            for k, v in kind_labels.items()
            if current_user.role != MUNICIPALITY or k not in LETTER_KINDS
        },
        kind_labels=Labels(kind_labels),
        signed_label=Markup(_("ondertekend")),  # noqa: S704 (once per page, as Jinja's _())
        sort=sort,
        direction=direction,
        can_format=can_use_format(current_user),
        can_clauses=current_user.role in CLAUSE_READERS,
        can_batch_contracts=batches.can_generate_region_contracts(current_user),
        can_batch_letters=batches.can_generate_year_letters(current_user),
        batch_form=BatchForm(),
    )


# -- files -----------------------------------------------------------------------------------


@bp.get("/bestand/<int:doc_id>/<variant>")
@login_required
def download(doc_id: int, variant: str):
    doc = _document_or_404(doc_id)
    stored = {"pdf": doc.file, "docx": doc.docx_file, "ondertekend": doc.signed_file}.get(variant)
    if stored is None:
        abort(404)
    return stored.send(as_attachment=True)


@bp.post("/bestand/<int:doc_id>/ondertekend")
@login_required
def upload_signed(doc_id: int):
    doc = _document_or_404(doc_id)
    rt = REGISTRY.get(doc.record_type)
    if rt is None:
        abort(404)
    record = rt.load(doc.record_id)
    if not rt.can_generate(record, current_user):
        abort(403)
    return submit(
        lambda: ops.upload_signed(doc, request.files.get("file"), actor=current_user),
        form=SignedUploadForm(),
        success=_("De ondertekende versie is opgeslagen."),
        target=url_for(".record", record_type=doc.record_type, record_id=doc.record_id),
    )


# -- documents page per record ---------------------------------------------------------------


def _record_or_404(record_type: str, record_id: int):
    rt = REGISTRY.get(record_type)
    if rt is None:
        abort(404)
    return rt, rt.load(record_id)


def _find_kind(rt, record, kind: str):
    for k in rt.kinds_for(record, current_user):
        if k.kind == kind:
            return k
    abort(404)


def _history(record_type: str, record_id: int) -> list:
    stmt = (
        visible_documents()
        .where(
            GeneratedDocument.record_type == record_type,
            GeneratedDocument.record_id == record_id,
        )
        .options(selectinload(GeneratedDocument.generated_by))
        .order_by(GeneratedDocument.generated_at.desc(), GeneratedDocument.id.desc())
    )
    return list(db.session.execute(stmt.limit(100)).scalars())


@bp.get("/<record_type>/<int:record_id>")
@login_required
def record(record_type: str, record_id: int):
    rt, obj = _record_or_404(record_type, record_id)
    can_generate = rt.can_generate(obj, current_user)
    choices_form = None
    if record_type == "contract" and obj.origin != "custom" and can_generate:
        choices = choices_for("contract", obj.id)
        choices_form = ChoicesForm(
            formdata=None,
            data={
                "optional_articles": list(choices.optional_articles) if choices else [],
                "tender_selection": ""
                if not choices or choices.tender_selection is None
                else ("1" if choices.tender_selection else "0"),
                "award_basis": (choices.award_basis or "") if choices else "",
                "notice_months": choices.notice_months if choices else None,
            },
        )
    return render_template(
        "documents/pages/record.html",
        rt=rt,
        obj=obj,
        title=rt.title(obj),
        kinds=rt.kinds_for(obj, current_user),
        history=_history(record_type, record_id),
        can_generate=can_generate,
        show_fingerprints=can_see_fingerprints(current_user),
        can_batch=record_type == "tender" and batches.can_generate_award_batch(current_user, obj),
        batch_form=BatchForm(),
        generate_form=GenerateForm(),
        upload_form=SignedUploadForm(),
        choices_form=choices_form,
        back=rt.back(obj) if rt.back else None,
    )


def _param():
    value = request.values.get("param", type=int)
    return {"param": value} if value else {}


@bp.post("/<record_type>/<int:record_id>/genereren")
@login_required
def generate(record_type: str, record_id: int):
    rt, obj = _record_or_404(record_type, record_id)
    if not rt.can_generate(obj, current_user):
        abort(403)
    kind = _find_kind(rt, obj, request.form.get("kind", ""))
    return submit(
        lambda: ops.generate(kind.build(obj, **_param()), actor=current_user),
        form=GenerateForm(),
        success=lambda doc: ngettext(
            "Het document is gemaakt (%(num)d pagina).",
            "Het document is gemaakt (%(num)d pagina's).",
            doc.pages,
        ),
        target=url_for(".record", record_type=record_type, record_id=record_id),
    )


def _start_batch(start, back: str):
    """Queue a document batch and show its progress page (or the refusal, going back)."""
    form = BatchForm()
    if not form.validate_on_submit():
        for message in form.year.errors or [_("Het formulier is verlopen; probeer opnieuw.")]:
            flash(str(message), "error")
        return redirect(back)
    return submit(
        lambda: start(form.year.data),
        success=lambda job: _("De taak staat in de wachtrij (%(n)s documenten).", n=job.total),
        target=lambda job: url_for("jobs.detail", job_id=job.id),
        back=back,
    )


@bp.post("/tender/<int:record_id>/alles-genereren")
@login_required
def generate_award_batch(record_id: int):
    _rt, tender = _record_or_404("tender", record_id)
    if not batches.can_generate_award_batch(current_user, tender):
        abort(403)
    return _start_batch(
        lambda _year: batches.start_award_batch(tender, current_user),
        url_for(".record", record_type="tender", record_id=record_id),
    )


@bp.post("/regio/overeenkomsten-genereren")
@login_required
def generate_region_contracts():
    if not batches.can_generate_region_contracts(current_user):
        abort(403)
    return _start_batch(
        lambda year: batches.start_region_contracts_batch(current_user, year),
        url_for(".index"),
    )


@bp.post("/regio/brieven-genereren")
@login_required
def generate_year_letters():
    if not batches.can_generate_year_letters(current_user):
        abort(403)

    def start(year):
        if not year:
            raise ValidationFailed(_("Kies het jaar van de brieven."), field="year")
        return batches.start_year_letters_batch(current_user, year)

    return _start_batch(start, url_for(".index"))


@bp.get("/<record_type>/<int:record_id>/voorbeeld")
@login_required
def preview(record_type: str, record_id: int):
    rt, obj = _record_or_404(record_type, record_id)
    kind = _find_kind(rt, obj, request.args.get("kind", ""))
    try:
        html = ops.preview_html(kind.build(obj, **_param()))
    except OperationError as exc:
        return render_template(
            "errors/error.html", code=422, title=_("Niet uitgevoerd"), message=str(exc.message)
        ), 422
    return Response(html, mimetype="text/html")


@bp.post("/contract/<int:record_id>/keuzes")
@role_required(ADMIN, PROCUREMENT, CONTRACT_MANAGER)
def choices(record_id: int):
    _rt, contract = _record_or_404("contract", record_id)
    form = ChoicesForm()
    return submit(
        lambda: ops.set_choices(
            "contract",
            contract.id,
            region_id=contract.region_id,
            **values(form, "notice_months", optional_articles=[], award_basis=None),
            tender_selection={"1": True, "0": False}.get(form.tender_selection.data),
            actor=current_user,
        ),
        form=form,
        success=_("De keuzes voor het document zijn opgeslagen."),
        target=url_for(".record", record_type="contract", record_id=record_id),
    )


# -- custom-contract format --------------------------------------------------------------------


def _user_region() -> Region:
    region = db.session.get(Region, current_user.region_id) if current_user.region_id else None
    if region is None:
        abort(403)
    return region


def _user_municipality() -> Municipality | None:
    if current_user.role == MUNICIPALITY and current_user.municipality_id:
        return db.session.get(Municipality, current_user.municipality_id)
    return None


def _send(data: bytes, filename: str, mimetype: str):
    return send_file(
        io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename
    )


def _format_response(spec, output: str):
    if output == "docx":
        return _send(ops.docx_for(spec), f"{spec.filename}.docx", DOCX)
    return _send(ops.render_spec(spec).pdf, f"{spec.filename}.pdf", PDF)


@bp.route("/maatwerkformat", methods=["GET", "POST"])
@role_required(*FORMAT_USERS)
def custom_format():
    """The one route to custom contracts is the contracts domain's list (with the blank
    format and a new custom contract): a format filled in here would be a contract that
    exists in no register, with a provider list of its own."""
    return redirect(url_for("contracts.custom_index"), code=301 if request.method == "GET" else 303)


@bp.get("/maatwerkformat/leeg.<output>")
@role_required(*FORMAT_USERS)
def custom_blank(output: str):
    if output not in ("pdf", "docx"):
        abort(404)
    region = _user_region()
    spec = custom_format_spec(CustomFormat(region=region, municipality=_user_municipality()))
    spec.filename = f"maatwerkovereenkomst-format-{region.short_code}"
    return _format_response(spec, output)


@bp.get("/maatwerkformat/contract/<int:contract_id>.<output>")
@role_required(*FORMAT_USERS)
def custom_contract_file(contract_id: int, output: str):
    """An existing custom contract as a pre-filled format (scope: own municipality only)."""
    from procure.contracts.documents import custom_contract_spec

    if output not in ("pdf", "docx"):
        abort(404)
    from procure.contracts.queries import get_visible_or_404

    contract = get_visible_or_404(contract_id)
    if contract.origin != "custom":
        abort(404)
    own = contract.municipality_id == current_user.municipality_id
    if current_user.role == MUNICIPALITY and not own:
        abort(404)
    return _format_response(custom_contract_spec(contract), output)


# -- clause library ------------------------------------------------------------------------------


@bp.get("/clausules")
@role_required(*CLAUSE_READERS)
def clauses():
    region = _user_region()
    current = current_clauses(region.id)
    return render_template(
        "documents/pages/clauses.html",
        standard=STANDARD,
        current=current,
        region=region,
        can_edit=current_user.role in CLAUSE_EDITORS,
    )


@bp.route("/clausules/<key>", methods=["GET", "POST"])
@role_required(*CLAUSE_READERS)
def clause_edit(key: str):
    if key not in BY_KEY:
        abort(404)
    region = _user_region()
    current = current_clauses(region.id)[key]
    form = ClauseForm(data={"title": current.title, "body": current.body})
    preview = None

    def page():
        return _clause_page(key, form, current, preview)

    if request.method == "POST":
        if current_user.role not in CLAUSE_EDITORS:
            abort(403)
        if request.form.get("action") != "preview":
            return submit(
                lambda: ops.save_clause(
                    region,
                    key,
                    **values(form, "title body note"),
                    actor=current_user,
                ),
                form=form,
                success=lambda row: _("Versie %(v)s van de clausule is opgeslagen.", v=row.version),
                target=url_for(".clause_edit", key=key),
                page=page,
            )
        if form.validate_on_submit():
            try:  # a preview renders the text; it changes nothing
                preview = ops.preview_clause(form.body.data)
            except OperationError as exc:
                show_refusal(exc, form)
    return page()


def _clause_page(key, form, current, preview):
    versions = db.session.scalars(
        scoped(select(ClauseVersion), ClauseVersion)
        .where(ClauseVersion.key == key)
        .options(selectinload(ClauseVersion.created_by))
        .order_by(ClauseVersion.version.desc())
    ).all()
    refused = request.method == "POST" and bool(form.errors)
    return render_template(
        "documents/pages/clause_edit.html",
        form=form,
        key=key,
        standard=BY_KEY[key],
        current=current,
        versions=versions,
        preview=preview,
        fields=ALLOWED_FIELDS,
        can_edit=current_user.role in CLAUSE_EDITORS,
    ), (422 if refused else 200)
