"""The one rendering engine: Jinja template -> HTML -> PDF (WeasyPrint).

Document templates live in templates/documents/ and are trusted code; texts that users
edit (the clause library) are rendered separately in the sandbox (procure.documents.sandbox)
and passed in as plain strings. WeasyPrint (procure.documents.pdf,
loaded on first use) only reaches files under procure/static: no network, no other file.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as dtime
from functools import cached_property
from pathlib import Path

from flask import current_app, render_template
from flask_babel import lazy_gettext as _l
from jinja2 import TemplateError

from procure.core.errors import ValidationFailed
from procure.core.timeutil import AMSTERDAM

STATIC_ROOT = (Path(__file__).resolve().parent.parent / "static").resolve()
PRINT_CSS = STATIC_ROOT / "print" / "document.css"
log = logging.getLogger(__name__)


class DocumentError(ValidationFailed):
    """A document could not be produced; the message is Dutch and safe to show."""


@dataclass
class DocumentMeta:
    title: str
    author: str
    subject: str = ""
    reference: str = ""
    region_name: str = ""
    created: datetime | date | None = None
    keywords: list[str] = field(default_factory=list)

    @property
    def created_iso(self) -> str:
        value = self.created
        if value is None:
            return ""
        if isinstance(value, datetime):
            moment = value if value.tzinfo else value.replace(tzinfo=AMSTERDAM)
        else:
            moment = datetime.combine(value, dtime(12, 0), tzinfo=AMSTERDAM)
        return moment.astimezone(AMSTERDAM).isoformat(timespec="seconds")


@dataclass
class Rendered:
    html: str
    pdf: bytes
    pages: int
    refused: list[str]
    seconds_total: float = 0.0
    seconds_weasy: float = 0.0

    @cached_property
    def sha256(self) -> str:  # read for the record and the audit entry: hashed once
        return hashlib.sha256(self.pdf).hexdigest()


def css_string(value) -> str:
    """A CSS string literal (for the running header)."""
    text = str(value or "").replace("\\", "\\\\").replace('"', '\\"')
    text = text.replace("\n", " ").replace("\r", " ")
    return f'"{text}"'


def render_html(template: str, context: dict, meta: DocumentMeta, *, for_screen=False) -> str:
    """The document's HTML. Template errors become a DocumentError with a Dutch message."""
    try:
        return render_template(template, doc_meta=meta, for_screen=for_screen, **context)
    except TemplateError as exc:
        current_app.logger.exception("document template %s failed", template)
        raise DocumentError(
            _l(
                "Het document kon niet worden opgemaakt: de sjabloontekst "
                "bevat een fout (%(error)s).",
                error=str(exc),
            )
        ) from exc


def html_to_pdf(html: str) -> tuple[bytes, int, list[str], float]:
    """WeasyPrint (imported here, not at start-up: it costs about a second to load)."""
    from procure.documents import pdf

    return pdf.html_to_pdf(html)


def render_pdf(template: str, context: dict, meta: DocumentMeta) -> Rendered:
    started = time.perf_counter()
    html = render_html(template, context, meta)
    pdf, pages, refused, weasy = html_to_pdf(html)
    return Rendered(
        html=html,
        pdf=pdf,
        pages=pages,
        refused=refused,
        seconds_total=time.perf_counter() - started,
        seconds_weasy=weasy,
    )


def template_fingerprint(*names: str) -> str:
    """A short hash of the template sources (and the print CSS) a document used."""
    digest = hashlib.sha256()
    loader = current_app.jinja_env.loader
    for name in (
        *names,
        "documents/_print_base.html",
        "documents/_macros.html",
        "documents/_tender_common.html",
    ):
        try:
            source, _filename, _uptodate = loader.get_source(current_app.jinja_env, name)
        except TemplateError:
            continue
        digest.update(name.encode() + b"\0" + source.encode())
    digest.update(PRINT_CSS.read_bytes())
    return digest.hexdigest()[:16]
