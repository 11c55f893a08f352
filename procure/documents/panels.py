"""Links to the documents of a record on other domains' pages (procure.main.panels)."""

from functools import cache
from types import SimpleNamespace

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from procure.core import formatting as fmt
from procure.documents.registry import REGISTRY
from procure.main.panels import panel


def _panel(record_type: str, obj, user, heading: str):
    if obj is None or getattr(obj, "id", None) is None or not user.is_authenticated:
        return None
    rt = REGISTRY[record_type]
    latest = _latest_row(record_type, obj.id, user)
    page = url_for("documents.record", record_type=record_type, record_id=obj.id)
    links = []
    if latest is not None:
        pdf = url_for("documents.download", doc_id=latest.id, variant="pdf")
        links.append(
            Markup('<a href="{}">{} (PDF, {})</a>').format(
                pdf, latest.kind_label, fmt.day(latest.generated_at)
            )
        )
        if latest.docx_file_id:
            docx = url_for("documents.download", doc_id=latest.id, variant="docx")
            links.append(Markup('<a href="{}">{}</a>').format(docx, _("Word")))
        if latest.signed_file_id:
            signed = url_for("documents.download", doc_id=latest.id, variant="ondertekend")
            links.append(Markup('<a href="{}">{}</a>').format(signed, _("ondertekend")))
    if rt.can_generate(obj, user):
        label = _("Genereren, voorbeeld en historie")
    else:
        label = _("Alle documenten")
    links.append(Markup('<a href="{}">{}</a>').format(page, label))
    return Markup('<section class="card panel-documents"><h2>{}</h2><p>{}</p></section>').format(
        heading, Markup(" · ").join(links)
    )


@cache
def _latest_columns():
    """The newest document of a record: only the columns the panel shows (no row object),
    the statement built once per process; the scope is added per user."""
    from sqlalchemy import bindparam, select

    from procure.documents.models import GeneratedDocument as Doc

    return (
        select(Doc.id, Doc.kind, Doc.generated_at, Doc.docx_file_id, Doc.signed_file_id)
        .where(Doc.record_type == bindparam("record_type"), Doc.record_id == bindparam("record_id"))
        .order_by(Doc.generated_at.desc(), Doc.id.desc())
        .limit(1)
    )


def _latest_row(record_type: str, record_id: int, user):
    """As `_latest`, as a row of the shown columns (kind_label among them)."""
    from procure.auth.permissions import scoped
    from procure.auth.roles import MUNICIPALITY
    from procure.core.kept import kept, read, scope_key
    from procure.core.labels import resolved
    from procure.documents.models import KINDS, LETTER_KINDS, GeneratedDocument

    def build():
        stmt = scoped(_latest_columns(), GeneratedDocument, user)
        if user.role == MUNICIPALITY:
            stmt = stmt.where(GeneratedDocument.kind.notin_(LETTER_KINDS))
        return stmt

    stmt = kept(("documents.latest", *scope_key(user)), build)
    row = read(stmt, {"record_type": record_type, "record_id": record_id}).first()
    if row is None:
        return None
    return SimpleNamespace(**row._asdict(), kind_label=resolved(KINDS).get(row.kind, row.kind))


@panel("contract")
def contract_panel(obj, user):
    return _panel("contract", obj, user, _l("Documenten"))


@panel("product")
def product_panel(obj, user):
    return _panel("product", obj, user, _l("Productkaart (PDF)"))


@panel("tender")
def tender_panel(obj, user):
    return _panel("tender", obj, user, _l("Aanbestedingsdocumenten en brieven"))


@panel("open_house")
def open_house_panel(obj, user):
    return _panel("tender", obj, user, _l("Toelatingsdocument en brieven"))
