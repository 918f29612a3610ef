from .audit import AccessLog
from .care import AdlAssessment, HomeVisit, NcdScreening
from .moph43 import ChronicIcdMapping, Moph43Digest
from .registry import ChronicCondition, Household, Person

__all__ = [
    "AccessLog", "AdlAssessment", "ChronicCondition", "ChronicIcdMapping", "HomeVisit", "Household",
    "Moph43Digest", "NcdScreening", "Person",
]
