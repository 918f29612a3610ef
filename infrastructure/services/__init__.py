"""Writes (workflows across models). Each is atomic, takes keyword-only arguments and raises
django.core.exceptions.ValidationError with a message for the user when the input is wrong."""

from .assets import ASSET_FIELDS, asset_create, asset_photo_add, asset_update
from .followup import (
    citizen_can_reopen,
    notification_opt_out,
    service_request_citizen_confirm,
    service_request_citizen_reopen,
    service_request_follow,
    service_request_rate,
)
from .requests import (
    REQUEST_FIELDS,
    photo_can_be_added,
    service_request_assign,
    service_request_comment,
    service_request_contacts_purge,
    service_request_create,
    service_request_link_asset,
    service_request_photo_add,
    service_request_set_location,
    service_request_set_priority,
    service_request_take,
    service_request_transition,
    sla_rule_set,
)

__all__ = [
    "ASSET_FIELDS",
    "REQUEST_FIELDS",
    "asset_create",
    "asset_photo_add",
    "asset_update",
    "citizen_can_reopen",
    "notification_opt_out",
    "service_request_citizen_confirm",
    "service_request_citizen_reopen",
    "service_request_follow",
    "service_request_rate",
    "photo_can_be_added",
    "service_request_assign",
    "service_request_comment",
    "service_request_contacts_purge",
    "service_request_create",
    "service_request_link_asset",
    "service_request_photo_add",
    "service_request_set_location",
    "service_request_set_priority",
    "service_request_take",
    "service_request_transition",
    "sla_rule_set",
]
