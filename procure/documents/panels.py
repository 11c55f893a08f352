"""Links to the documents of a record on other domains' pages (procure.main.panels)."""

from functools import cache
from types import SimpleNamespace

from flask import url_for
from markupsafe import Markup

from procure.documents.registry import REGISTRY
from procure.main.panels import panel


def _latest(record_type: str, record_id: int, user):
    from sqlalchemy import select

    from procure.auth.permissions import scoped
    from procure.auth.roles import MUNICIPALITY
    from procure.documents.models import LETTER_KINDS, GeneratedDocument
    from procure.extensions import db

    stmt = scoped(select(GeneratedDocument), GeneratedDocument, user).where(
        GeneratedDocument.record_type == record_type,
        GeneratedDocument.record_id == record_id,
    )
    if user.role == MUNICIPALITY:
        stmt = stmt.where(GeneratedDocument.kind.notin_(LETTER_KINDS))
    stmt = stmt.order_by(GeneratedDocument.generated_at.desc(), GeneratedDocument.id.desc())
    return db.session.execute(stmt.limit(1)).scalar()


def _panel(record_type: str, obj, user, heading: str, latest=None):
    if obj is None or getattr(obj, "id", None) is None or not user.is_authenticated:
        return None
    rt = REGISTRY[record_type]
    latest = (latest or _latest)(record_type, obj.id, user)
    page = url_for("documents.record", record_type=record_type, record_id=obj.id)
    links = []
    if latest is not None:
        pdf = url_for("documents.download", doc_id=latest.id, variant="pdf")
        links.append(
            Markup('<a href="{}">{} (PDF, {})</a>').format(
                pdf, latest.kind_label, f"{latest.generated_at:%d-%m-%Y}"
            )
        )
        if latest.docx_file_id:
            docx = url_for("documents.download", doc_id=latest.id, variant="docx")
            links.append(Markup('<a href="{}">Word</a>').format(docx))
        if latest.signed_file_id:
            signed = url_for("documents.download", doc_id=latest.id, variant="ondertekend")
            links.append(Markup('<a href="{}">ondertekend</a>').format(signed))
    label = "Genereren, voorbeeld en historie" if rt.can_generate(obj, user) else "Alle documenten"
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
    from procure.core.kept import kept, scope_key
    from procure.core.labels import resolved
    from procure.documents.models import KINDS, LETTER_KINDS, GeneratedDocument
    from procure.extensions import db

    def build():
        stmt = scoped(_latest_columns(), GeneratedDocument, user)
        if user.role == MUNICIPALITY:
            stmt = stmt.where(GeneratedDocument.kind.notin_(LETTER_KINDS))
        return stmt

    stmt = kept(("documents.latest", *scope_key(user)), build)
    row = db.session.execute(stmt, {"record_type": record_type, "record_id": record_id}).first()
    if row is None:
        return None
    return SimpleNamespace(**row._asdict(), kind_label=resolved(KINDS).get(row.kind, row.kind))


@panel("contract")
def contract_panel(obj, user):
    return _panel("contract", obj, user, "Documenten", latest=_latest_row)


@panel("product")
def product_panel(obj, user):
    return _panel("product", obj, user, "Productkaart (PDF)")


@panel("tender")
def tender_panel(obj, user):
    return _panel("tender", obj, user, "Aanbestedingsdocumenten en brieven")


@panel("open_house")
def open_house_panel(obj, user):
    return _panel("tender", obj, user, "Toelatingsdocument en brieven")
