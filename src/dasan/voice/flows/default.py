"""The 120 line's flow as shipped, built from the city's ARS menu (`ARS_MENU`)."""

from __future__ import annotations

from typing import Any

from dasan.consultations.channels import ARS_MENU

FOREIGN_LANGUAGES = (  # digit, language, spoken label in that language
    ("1", "en", "For English, press 1."),
    ("2", "zh", "中文请按2。"),
    ("3", "ja", "日本語は3番を押してください。"),
    ("4", "vi", "Tiếng Việt, bấm phím 4."),
    ("5", "mn", "Mongolian, press 5."),
)


def default_flow() -> dict[str, Any]:
    nodes: dict[str, Any] = {
        "caller_check": {"type": "attribute", "attr": "malicious", "then": "q_malicious",
                         "else": "welfare_check", "label": "악성민원 등록 발신자"},
        "q_malicious": {"type": "queue", "queue": "malicious", "label": "악성민원 전담"},
        "welfare_check": {"type": "attribute", "attr": "welfare_line", "then": "welfare_priority",
                          "else": "hours", "label": "복지 등록 회선"},
        "welfare_priority": {"type": "set", "priority": 1, "next": "hours"},
        # 120 answers around the clock; an admin narrows the hours in a new flow version.
        "hours": {"type": "hours", "open": "notice", "closed": "after_hours"},
        "after_hours": {"type": "hangup", "prompt": "closed"},
        "notice": {"type": "play", "prompt": "notice", "next": "main_menu", "enabled": False,
                   "label": "임시 안내 (장애 등)"},
        "main_menu": {"type": "menu", "prompt": "main_menu", "options": {}, "repeat": "*",
                      "retries": 2, "invalid_prompt": "invalid", "no_input_prompt": "no_input",
                      "on_fail": "q_general"},
        "foreign_menu": {"type": "menu", "prompt": "foreign_menu", "options": {}, "repeat": "*",
                         "retries": 2, "invalid_prompt": "invalid", "no_input_prompt": "no_input",
                         "on_fail": "q_foreign_en"},
    }
    for digit, (queue, _ko, _en) in ARS_MENU.items():
        if queue == "foreign":
            nodes["main_menu"]["options"][digit] = "foreign_menu"
            continue
        nodes[f"q_{queue}"] = {"type": "queue", "queue": queue}
        nodes["main_menu"]["options"][digit] = f"q_{queue}"
    for digit, lang, _label in FOREIGN_LANGUAGES:
        nodes[f"q_foreign_{lang}"] = {"type": "queue", "queue": "foreign", "language": lang}
        nodes["foreign_menu"]["options"][digit] = f"q_foreign_{lang}"
    menu_ko = " ".join(f"{ko} 상담은 {d}번," for d, (_q, ko, _en) in ARS_MENU.items() if d != "0")
    prompts: dict[str, Any] = {
        "main_menu": f"120 다산콜재단입니다. {menu_ko} 상담사 연결은 0번, "
                     "다시 들으시려면 별표를 눌러 주세요.",
        "invalid": "잘못 누르셨습니다.",
        "no_input": "입력이 없습니다.",
        "closed": "지금은 상담 시간이 아닙니다. 상담 시간에 다시 걸어 주십시오.",
        "notice": "안내 말씀 드립니다.",
        "foreign_menu": {"text": " ".join(label for _d, _l, label in FOREIGN_LANGUAGES),
                         "language": "en"},
    }
    return {"name": "main", "start": "caller_check", "nodes": nodes, "prompts": prompts}
