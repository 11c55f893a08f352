"""API schemas of the OCDS endpoints: a release or record package per page of processes."""

from marshmallow import fields

from procure.api.fields import DutchSchema, Line
from procure.api.schemas import PageArgs, PageMetaSchema


class ReleaseQuery(PageArgs):
    region = Line(max_length=20, metadata={"description": "Korte code van de regio"})


class PublisherSchema(DutchSchema):
    name = fields.String()


class _PackageSchema(DutchSchema):
    """What an OCDS 1.1.5 release and record package share, before their contents."""

    uri = fields.String()
    version = fields.String()
    publishedDate = fields.String()
    publisher = fields.Nested(PublisherSchema)
    license = fields.String()
    extensions = fields.List(fields.String())


class ReleasePackageSchema(_PackageSchema):
    """An OCDS 1.1.5 release package (the releases themselves follow the OCDS schema)."""

    releases = fields.List(fields.Dict(), metadata={"description": "OCDS releases"})
    meta = fields.Nested(PageMetaSchema)


class RecordPackageSchema(_PackageSchema):
    """An OCDS 1.1.5 record package: per process its releases and the compiled release."""

    records = fields.List(
        fields.Dict(), metadata={"description": "OCDS records (ocid, releases, compiledRelease)"}
    )
    meta = fields.Nested(PageMetaSchema)
