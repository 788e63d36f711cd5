"""Who may do what in quality management (small named checks, easy to move into one policy).

| action                                   | roles                                   |
|------------------------------------------|-----------------------------------------|
| create forms, draw samples, evaluate,    | supervisor (QA staff), admin            |
| calibrate, resolve disputes              |                                         |
| see own evaluations, acknowledge/dispute | agent (only their own)                  |
| scorecards, KPI, XLSX export (audited)   | supervisor, analyst, admin              |
| record a survey answer                   | agent, supervisor, admin (integrations: |
|                                          | API tokens); a chat citizen with their  |
|                                          | chat token                              |
"""

from __future__ import annotations

from dasan import access
from dasan.db.models import User

# The groups live in the one access policy (`dasan.access`); these names stay for callers.
QA_STAFF = access.QA_STAFF
REPORT_ROLES = access.QA_REPORT_READERS
SURVEY_ROLES = access.SURVEY_RECORDERS


def can_manage_qa(user: User) -> bool:
    return access.can_manage_qa(user)


def can_see_reports(user: User) -> bool:
    return user.role in REPORT_ROLES or user.role == "admin"
