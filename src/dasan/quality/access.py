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

from dasan.db.models import User

QA_STAFF = ("supervisor",)
REPORT_ROLES = ("supervisor", "analyst")
SURVEY_ROLES = ("agent", "supervisor")


def can_manage_qa(user: User) -> bool:
    return user.role in QA_STAFF or user.role == "admin"


def can_see_reports(user: User) -> bool:
    return user.role in REPORT_ROLES or user.role == "admin"
