"""The clinical decision engine: a consultation intake in, a cited, personalised treatment plan out.

Pure Python with frozen values in and out; the only I/O is reading the knowledge base.

    >>> from datetime import date
    >>> from lasercare.engine import load_knowledge, read_intake, make_plan
    >>> knowledge = load_knowledge()
    >>> intake = read_intake({"patient": {"age": 40}, "phototype": {"fitzpatrick": "II"},
    ...                       "concerns": [{"code": "sun_spots"}]}, on=date(2026, 12, 1))
    >>> make_plan(intake, date(2026, 12, 1), knowledge).eligible
    True
"""

from .intake import Intake, IntakeError, read_intake
from .knowledge_base import KnowledgeError, load_clinic_knowledge, load_knowledge
from .knowledge_model import Knowledge
from .plan import TreatmentPlan
from .planner import make_plan
from .serialize import plan_to_dict, plan_to_json

__all__ = [
    "Intake",
    "IntakeError",
    "Knowledge",
    "KnowledgeError",
    "TreatmentPlan",
    "load_clinic_knowledge",
    "load_knowledge",
    "make_plan",
    "plan_to_dict",
    "plan_to_json",
    "read_intake",
]
