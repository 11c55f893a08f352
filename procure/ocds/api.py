"""Public OCDS endpoints of published processes: GET /api/v1/ocds/releases (releases per
event) and GET /api/v1/ocds/records[/<ocid>] (a record per process with its compiled
release), paged by process, optionally per region."""

from flask import abort, current_app, request

from procure.api import bp
from procure.api.schemas import page_numbers
from procure.api.views import public
from procure.core.listing import paginate
from procure.extensions import db
from procure.ocds.builder import published_tenders, release_package, releases_for
from procure.ocds.records import record, record_package
from procure.ocds.schemas import RecordPackageSchema, ReleasePackageSchema, ReleaseQuery
from procure.tenders.models import Tender


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


@bp.get("/ocds/records")
@public
@bp.arguments(ReleaseQuery, location="query")
@bp.response(200, RecordPackageSchema)
def ocds_records(args):
    """OCDS-records: per gepubliceerd proces de releases en de samengestelde release
    (openbaar, per pagina processen, optioneel per regio)"""
    page = paginate(published_tenders(args.get("region")), *page_numbers(args))
    package = record_package([record(releases_for(t)) for t in page.items], request.url)
    package["meta"] = page.meta
    return package


@bp.get("/ocds/records/<ocid>")
@public
@bp.response(200, RecordPackageSchema)
def ocds_record(ocid):
    """Het OCDS-record van één gepubliceerd proces (ocid)"""
    prefix = f"{current_app.config['OCDS_OCID_PREFIX']}-"
    if not ocid.startswith(prefix):
        abort(404)
    tender = db.session.execute(
        published_tenders().where(Tender.reference == ocid.removeprefix(prefix))
    ).scalar()
    if tender is None:
        abort(404)
    return record_package([record(releases_for(tender))], request.url)
