"""HTML -> PDF with WeasyPrint, which reaches only files under procure/static.

Kept apart from engine.py so that WeasyPrint (slow to import) loads at the first document,
not when the app starts.
"""

from __future__ import annotations

import logging
import mimetypes
import time
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from flask import current_app
from flask_babel import lazy_gettext as _l
from weasyprint.urls import URLFetcher, URLFetcherResponse

from procure.documents.engine import PRINT_CSS, STATIC_ROOT, DocumentError

log = logging.getLogger(__name__)


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


@lru_cache(maxsize=1)
def print_css() -> weasyprint.CSS:
    return weasyprint.CSS(filename=str(PRINT_CSS), url_fetcher=RestrictedFetcher())


def html_to_pdf(html: str) -> tuple[bytes, int, list[str], float]:
    """WeasyPrint with the restricted fetcher and the shared print stylesheet."""
    fetcher = RestrictedFetcher()
    started = time.perf_counter()
    try:
        document = weasyprint.HTML(
            string=html, base_url=STATIC_ROOT.as_uri() + "/", url_fetcher=fetcher
        ).render(stylesheets=[print_css()])
        pdf = document.write_pdf()
    except Exception as exc:  # WeasyPrint raises many kinds; the user gets one Dutch message
        current_app.logger.exception("WeasyPrint failed")
        raise DocumentError(_l("Het document kon niet naar PDF worden omgezet.")) from exc
    return pdf, len(document.pages), fetcher.refused, time.perf_counter() - started
