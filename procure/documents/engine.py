"""The one rendering engine: Jinja template -> HTML -> PDF (WeasyPrint).

Document templates live in templates/documents/ and are trusted code; texts that users
edit (the clause library) are rendered separately in the sandbox (procure.documents.sandbox)
and passed in as plain strings. WeasyPrint only reaches files under procure/static through
RestrictedFetcher: no network, no other file on the machine.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as dtime
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from flask import current_app, render_template
from flask_babel import lazy_gettext as _l
from jinja2 import TemplateError
from weasyprint.urls import URLFetcher, URLFetcherResponse

from procure.core.errors import ValidationFailed
from procure.core.timeutil import AMSTERDAM

STATIC_ROOT = (Path(__file__).resolve().parent.parent / "static").resolve()
PRINT_CSS = STATIC_ROOT / "print" / "document.css"
log = logging.getLogger(__name__)


class DocumentError(ValidationFailed):
    """A document could not be produced; the message is Dutch and safe to show."""


class RefusedResource(ValueError):
    pass


class RestrictedFetcher(URLFetcher):
    """WeasyPrint URL fetcher: data: URLs and files below procure/static, nothing else."""

    def __init__(self):
        super().__init__(
            timeout=1,
            allowed_protocols=("file", "data"),
            allow_redirects=False,
            fail_on_errors=False,
        )
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            parts = urlsplit(url)
            if parts.netloc not in ("", "localhost"):
                return self._refuse(url)
            path = Path(unquote(parts.path)).resolve()
            if not path.is_relative_to(STATIC_ROOT) or not path.is_file():
                return self._refuse(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, path.read_bytes(), headers={"Content-Type": content_type}
            )
        return self._refuse(url)

    def _refuse(self, url):
        self.refused.append(url)
        log.warning("document renderer refused resource %s", url)
        raise RefusedResource(f"Bron geweigerd: {url}")


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

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


def css_string(value) -> str:
    """A CSS string literal (for the running header)."""
    text = str(value or "").replace("\\", "\\\\").replace('"', '\\"')
    text = text.replace("\n", " ").replace("\r", " ")
    return f'"{text}"'


@lru_cache(maxsize=1)
def _print_css() -> weasyprint.CSS:
    return weasyprint.CSS(filename=str(PRINT_CSS), url_fetcher=RestrictedFetcher())


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
    """WeasyPrint with the restricted fetcher and the shared print stylesheet."""
    fetcher = RestrictedFetcher()
    started = time.perf_counter()
    try:
        document = weasyprint.HTML(
            string=html, base_url=STATIC_ROOT.as_uri() + "/", url_fetcher=fetcher
        ).render(stylesheets=[_print_css()])
        pdf = document.write_pdf()
    except Exception as exc:  # WeasyPrint raises many kinds; the user gets one Dutch message
        current_app.logger.exception("WeasyPrint failed")
        raise DocumentError(_l("Het document kon niet naar PDF worden omgezet.")) from exc
    return pdf, len(document.pages), fetcher.refused, time.perf_counter() - started


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
