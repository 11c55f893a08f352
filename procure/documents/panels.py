"""Links to the documents of a record on other domains' pages (procure.main.panels)."""

from flask import url_for
from markupsafe import Markup, escape

from procure.documents.registry import REGISTRY
from procure.main.panels import panel


def _latest(record_type: str, record_id: int, user):
    from sqlalchemy import select

    from procure.auth.permissions import scoped
    from procure.documents.models import GeneratedDocument
    from procure.extensions import db

    stmt = scoped(select(GeneratedDocument), GeneratedDocument, user).where(
        GeneratedDocument.record_type == record_type,
        GeneratedDocument.record_id == record_id,
    ).order_by(GeneratedDocument.generated_at.desc(), GeneratedDocument.id.desc()).limit(1)
    return db.session.execute(stmt).scalar()


def _panel(record_type: str, obj, user, heading: str):
    if obj is None or getattr(obj, "id", None) is None or not user.is_authenticated:
        return None
    rt = REGISTRY[record_type]
    latest = _latest(record_type, obj.id, user)
    page = url_for("documents.record", record_type=record_type, record_id=obj.id)
    parts = [f'<section class="card panel-documents"><h2>{escape(heading)}</h2><p>']
    if latest is not None:
        pdf = url_for("documents.download", doc_id=latest.id, variant="pdf")
        parts.append(f'<a href="{pdf}">{escape(latest.kind_label)} (PDF, '
                     f'{latest.generated_at:%d-%m-%Y})</a>')
        if latest.docx_file_id:
            docx = url_for("documents.download", doc_id=latest.id, variant="docx")
            parts.append(f' · <a href="{docx}">Word</a>')
        if latest.signed_file_id:
            signed = url_for("documents.download", doc_id=latest.id, variant="ondertekend")
            parts.append(f' · <a href="{signed}">ondertekend</a>')
        parts.append(" · ")
    label = "Genereren, voorbeeld en historie" if rt.can_generate(obj, user) \
        else "Alle documenten"
    parts.append(f'<a href="{page}">{escape(label)}</a></p></section>')
    return Markup("".join(parts))


@panel("contract")
def contract_panel(obj, user):
    return _panel("contract", obj, user, "Documenten")


@panel("product")
def product_panel(obj, user):
    return _panel("product", obj, user, "Productkaart (PDF)")


@panel("tender")
def tender_panel(obj, user):
    return _panel("tender", obj, user, "Aanbestedingsdocumenten en brieven")


@panel("open_house")
def open_house_panel(obj, user):
    return _panel("tender", obj, user, "Toelatingsdocument en brieven")
