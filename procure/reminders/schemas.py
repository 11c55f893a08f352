"""API schemas of reminders: the user's notifications and calendar feed."""

from marshmallow import fields

from procure.api.fields import DutchSchema, QueryBool
from procure.api.schemas import PageArgs, sort_direction, sort_key
from procure.reminders.queries import (
    NOTIFICATION_DEFAULT_DIRECTION,
    NOTIFICATION_DEFAULT_SORT,
    NOTIFICATION_SORTS,
)


class NotificationSchema(DutchSchema):
    id = fields.Integer()
    title = fields.String()
    body = fields.String()
    url = fields.String()
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class NotificationQuery(PageArgs):
    unread = QueryBool(load_default=False, metadata={"description": "Alleen ongelezen"})
    sort = sort_key(NOTIFICATION_SORTS, NOTIFICATION_DEFAULT_SORT)
    direction = sort_direction(NOTIFICATION_DEFAULT_DIRECTION)


class MarkedSchema(DutchSchema):
    marked = fields.Integer(metadata={"description": "Aantal als gelezen gemarkeerd"})


class FeedSchema(DutchSchema):
    url = fields.String(metadata={"description": "Eenmalig getoond agenda-adres (iCal)"})


class RevokedSchema(DutchSchema):
    revoked = fields.Integer()
