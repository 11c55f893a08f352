"""API schemas of contract change: transition period, addenda, subcontractors."""

from marshmallow import fields

from procure.api.fields import Date, DutchSchema, Line, Text


class TransitionPeriodInput(DutchSchema):
    until = Date(
        required=True,
        allow_none=True,
        metadata={"description": "after the contract's end date; null clears the period"},
    )
    note = Text(load_default="", max_length=2000)


class AddendumDocumentSchema(DutchSchema):
    id = fields.Integer()
    generated_at = fields.DateTime()
    sha256 = fields.String()
    pages = fields.Integer()


class AddendumSchema(DutchSchema):
    number = fields.Integer()
    subject = fields.String()
    agreed_on = fields.Date()
    effective_on = fields.Date()
    body = fields.String()
    document = fields.Nested(
        AddendumDocumentSchema,
        allow_none=True,
        metadata={"description": "the version of the contract document this addendum made"},
    )


class AddendumInput(DutchSchema):
    subject = Line(required=True, max_length=300)
    agreed_on = Date(required=True)
    effective_on = Date(required=True)
    body = Text(required=True, max_length=20000)


class SubcontractorSchema(DutchSchema):
    id = fields.Integer()
    name = fields.String()
    kvk_number = fields.String()
    work = fields.String()
    in_register = fields.Function(
        lambda s: s.provider_id is not None,
        metadata={"description": "whether the party is a provider of the register"},
    )
    added_at = fields.DateTime()


class SubcontractorInput(DutchSchema):
    provider_kvk = Line(
        load_default="",
        max_length=8,
        metadata={"description": "KvK number of a provider in the register"},
    )
    name = Line(load_default="", max_length=200)
    kvk_number = Line(load_default="", max_length=8)
    work = Line(load_default="", max_length=300)
