"""GET /api/v1/ocds/releases: public OCDS releases of published processes, paged."""

from flask import request

from procure.api import bp
from procure.api.schemas import page_numbers
from procure.api.views import public
from procure.core.listing import paginate
from procure.ocds.builder import published_tenders, release_package, releases_for
from procure.ocds.schemas import ReleasePackageSchema, ReleaseQuery


@bp.get("/ocds/releases")
@public
@bp.arguments(ReleaseQuery, location="query")
@bp.response(200, ReleasePackageSchema)
def ocds_releases(args):
    """OCDS-releases van gepubliceerde aanbestedingen en open houses (openbaar, per pagina
    processen, optioneel per regio)"""
    page = paginate(published_tenders(args.get("region")), *page_numbers(args))
    releases = [release for tender in page.items for release in releases_for(tender)]
    package = release_package(releases, request.url)
    package["meta"] = page.meta
    return package
