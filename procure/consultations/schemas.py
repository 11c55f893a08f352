"""API schemas of market consultations (read side)."""

from marshmallow import fields

from procure.api.fields import DutchSchema, Ref
from procure.consultations.models import PLANNED_PROCEDURES


class QuestionSchema(DutchSchema):
    number = fields.Integer()
    text = fields.String()


class DocumentSchema(DutchSchema):
    title = fields.String()
    filename = Ref("file.original_name")


class ConsultationSchema(DutchSchema):
    reference = fields.String()
    title = fields.String()
    region = Ref("region.name")
    segment = fields.String()
    planned_procedure = fields.String(metadata={"enum": list(PLANNED_PROCEDURES)})
    status = fields.String(metadata={"enum": ["draft", "open", "closed"]})
    closes_on = fields.Date()
    tender = Ref(
        "tender.reference", metadata={"description": "the tender that followed the consultation"}
    )


class ConsultationDetailSchema(ConsultationSchema):
    description = fields.String()
    outcome = fields.String(allow_none=True)
    questions = fields.List(fields.Nested(QuestionSchema))
    documents = fields.List(fields.Nested(DocumentSchema))
