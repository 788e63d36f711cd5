"""Display names for the codes the record keeps (Korean first, English second).

Screens never show a raw code on a Korean page: templates call `label(table, code)`, which
looks the code up here. An unknown code is shown as it is (a new code is better seen than
hidden), and a test walks every table so that each entry has both languages.
"""

from __future__ import annotations

LABELS: dict[str, dict[str, tuple[str, str]]] = {
    # knowledge-base entry status
    "kb_status": {"draft": ("초안", "Draft"), "published": ("게시", "Published"),
                  "retired": ("폐기", "Retired")},
    # who owns entries: a city department, a district office or the center itself
    "agency_kind": {"city_department": ("시 부서", "City department"),
                    "district": ("자치구", "District"), "center": ("다산콜센터", "Call center")},
    # shift templates of the workforce plan
    "shift_kind": {"full": ("주간", "Day"), "afternoon": ("오후조", "Afternoon"),
                   "night": ("야간", "Night"), "part": ("시간제", "Part-time"),
                   "short": ("단시간", "Short"), "remote": ("재택", "Remote")},
    # the shift-plan solver's result
    "solver_status": {"OPTIMAL": ("최적해", "Optimal"), "FEASIBLE": ("실행 가능해", "Feasible")},
    # routing modes of the center simulation
    "routing": {"skills": ("전문 상담", "Skills"), "omni": ("전방위", "Omni"),
                "skill": ("전문 상담", "Skills")},
    # what the KPI report's service table is grouped by (analytics.kpi.GROUPS)
    "kpi_group": {"interval": ("30분 구간", "Half-hour"), "hour": ("시간대", "Hour"),
                  "day": ("일", "Day"), "month": ("월", "Month"), "queue": ("대기열", "Queue"),
                  "team": ("팀", "Team"), "agent": ("상담사", "Agent"),
                  "channel": ("채널", "Channel")},
    # forecast channels
    "forecast_channel": {"phone": ("전화", "Phone"), "chat": ("채팅", "Chat"),
                         "sms": ("문자", "SMS"), "all": ("전체", "All")},
}


def label(table: str, code: str | None, lang: str = "ko") -> str:
    """The code's name in `lang` ("ko" or "en"); the code itself when the table lacks it."""
    if code is None:
        return ""
    names = LABELS.get(table, {}).get(code)
    if names is None:
        return code
    return names[1] if lang == "en" else names[0]
