from .audit import AccessLog
from .care import AdlAssessment, HomeVisit, NcdScreening
from .registry import ChronicCondition, Household, Person

__all__ = [
    "AccessLog", "AdlAssessment", "ChronicCondition", "HomeVisit", "Household", "NcdScreening",
    "Person",
]
