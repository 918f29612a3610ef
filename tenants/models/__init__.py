"""Public-schema models: the municipalities and their routing, the DOPA gazetteer, each
municipality's customization (theme, components) and the change requests it sends the
platform team."""

from .change_requests import ChangeRequest, ChangeRequestAttachment, ChangeRequestComment
from .customization import ComponentSettings, CustomizationVersion, MunicipalityStats, Theme
from .line import LineChannel
from .municipality import (
    SCHEMA_NAME_RE,
    THAI_KIND_PREFIXES,
    ConsoleAuditEntry,
    District,
    Domain,
    Municipality,
    OnboardingRun,
    Province,
    Subdistrict,
)
from .schemas import SchemaMigrationRun, SchemaTemplate

__all__ = [
    "SCHEMA_NAME_RE", "THAI_KIND_PREFIXES",
    "ChangeRequest", "ChangeRequestAttachment", "ChangeRequestComment", "ComponentSettings",
    "ConsoleAuditEntry", "CustomizationVersion", "District", "Domain", "LineChannel", "Municipality",
    "MunicipalityStats", "OnboardingRun", "Province", "SchemaMigrationRun", "SchemaTemplate",
    "Subdistrict", "Theme",
]
