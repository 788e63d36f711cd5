"""The citizen pages in six languages (ko, en, zh, ja, vi, mn): the language menu, the page's
`lang`, its strings from the catalogue, the choice kept in a cookie; staff screens stay
Korean or English."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sqlalchemy.orm import Session

from dasan.web.citizen_language import NATIVE_NAMES, translate


def _lang(html: str) -> str:
    m = re.search(r'<html lang="([a-z]+)"', html)
    assert m, "no <html lang>"
    return m.group(1)


def _strings(html: str) -> dict[str, str]:
    m = re.search(r'<script id="i18n" type="application/json">(.*?)</script>', html, re.S)
    assert m
    data: dict[str, str] = json.loads(m.group(1))
    return data


def test_citizen_chat_in_each_language(client: Any, db: Session) -> None:
    for lang in ("zh", "ja", "vi", "mn"):
        client.cookies.clear()
        r = client.get(f"/chat?lang={lang}")
        assert r.status_code == 200 and _lang(r.text) == lang
        title = translate("120 다산콜 채팅 상담", "120 Dasan chat", lang)
        assert title not in ("120 다산콜 채팅 상담", "120 Dasan chat")
        assert f"<h1 id=\"chat-title\">{title}</h1>" in r.text
        assert "120 다산콜 채팅 상담" not in r.text
        # the page script's strings too, and every language offered, each in itself
        assert _strings(r.text)["handoff"] == translate("상담사 연결", "Talk to an agent", lang)
        for code, name in NATIVE_NAMES.items():
            assert f'lang="{code}" hreflang="{code}"' in r.text and name in r.text
        assert re.search(rf'href="/chat\?lang={lang}" lang="{lang}" hreflang="{lang}" '
                         r'aria-current="true"', r.text)
        # the choice is kept for the next citizen page
        assert client.cookies.get("dasan_lang") == lang
        again = client.get("/qna")
        assert _lang(again.text) == lang
        assert translate("온라인 질문하기", None, lang) in again.text


def test_staff_screens_stay_korean_or_english(client: Any, db: Session) -> None:
    client.cookies.clear()
    client.get("/chat?lang=vi")
    staff = client.get("/login")
    assert staff.status_code == 200 and _lang(staff.text) == "en"
    assert 'class="languages"' not in staff.text  # no six-language menu on a staff screen
    client.get("/chat?lang=ko")
    assert _lang(client.get("/login").text) == "ko"


def test_unknown_language_is_korean_and_not_remembered(client: Any, db: Session) -> None:
    client.cookies.clear()
    r = client.get("/chat?lang=fr")
    assert r.status_code == 200 and _lang(r.text) == "ko"
    assert client.cookies.get("dasan_lang") is None


def test_report_page_and_tracking_link_in_mongolian(client: Any, db: Session) -> None:
    client.cookies.clear()
    r = client.get("/report?lang=mn")
    assert r.status_code == 200 and _lang(r.text) == "mn"
    assert translate("불법주정차", "Illegal parking", "mn") in r.text
    assert ">불법주정차<" not in r.text
    # a Q&A tracking page keeps its key when the language changes
    client.cookies.clear()
    made = client.post("/qna", data={"title": "버스 노선", "body": "472번 버스 노선이 바뀌었나요?"},
                       follow_redirects=False)
    assert made.status_code == 303
    where = made.headers["location"]
    page = client.get(where + "&lang=ja")
    assert page.status_code == 200 and _lang(page.text) == "ja"
    key = re.search(r"key=([^&\"]+)", where)
    assert key and re.search(rf'href="[^"]*key={re.escape(key.group(1))}[^"]*lang=zh"', page.text)
    assert translate("접수", "Received", "ja") in page.text


def _visible_text(html: str) -> str:
    html = re.sub(r"<script\b.*?</script>", " ", html, flags=re.S)
    html = re.sub(r"<style\b.*?</style>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("lang", ["zh", "ja", "vi", "mn"])
def test_no_korean_left_on_a_foreign_citizen_page(client: Any, db: Session, lang: str) -> None:
    """Every word a citizen page says itself is in the chosen language (what remains Korean is
    the menu's own "한국어" and content: the knowledge base's questions, district names)."""
    client.cookies.clear()
    for path in ("/chat", "/qna", "/report", "/sign"):
        page = client.get(f"{path}?lang={lang}")
        assert page.status_code == 200, path
        html = re.sub(r'<ul class="suggestions".*?</ul>', " ", page.text, flags=re.S)
        text = _visible_text(html).replace("한국어", "")
        hangul = re.findall(r"[\uac00-\ud7a3][\uac00-\ud7a3 ]*", text)
        assert not hangul, (path, hangul[:5])


def test_report_form_questions_in_the_citizens_language(client: Any, db: Session) -> None:
    """The report form asks a service's questions (Open311 service definition) in the page's
    language: zh/ja/vi/mn from the catalogues, ko/en as the catalogue keeps them."""
    client.cookies.clear()
    vi = client.get("/open311/v2/services/PARKING.json?lang=vi")
    ko = client.get("/open311/v2/services/PARKING.json?lang=ko")
    assert vi.status_code == 200 and ko.status_code == 200
    spot_vi = next(a for a in vi.json()["attributes"] if a["code"] == "spot")
    spot_ko = next(a for a in ko.json()["attributes"] if a["code"] == "spot")
    assert spot_ko["description"] == "위치 유형"
    assert spot_vi["description"] == translate("위치 유형", "Where", "vi") != "Where"
    names = {v["key"]: v["name"] for v in spot_vi["values"]}
    assert names and all(not re.search(r"[\uac00-\ud7a3]", n) for n in names.values())
    assert [v["key"] for v in spot_vi["values"]] == [v["key"] for v in spot_ko["values"]]
