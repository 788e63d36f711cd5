from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from dasan.assist.summary import Turn, extractive, lead, llm_summary, majority_category, propose
from dasan.errors import DomainError

TRANSCRIPT = [
    Turn("citizen", "안녕하세요."),
    Turn("citizen", "기후동행카드를 지난달에 샀는데 이사를 가게 돼서 환불을 받고 싶어요. "
                    "제 번호는 010-9876-5432예요."),
    Turn("agent", "안녕하세요, 120다산콜 상담사입니다."),
    Turn("agent", "기후동행카드 환불은 티머니 앱이나 지하철 역사 고객안내센터에서 신청하실 수 "
                  "있습니다."),
    Turn("citizen", "실물 카드인데 역에 가져가면 되나요?"),
    Turn("agent", "네, 실물 카드는 역사 고객안내센터에 방문하시면 잔여 기간에 따라 환불됩니다."),
    Turn("bot", "챗봇의 긴 안내 문구는 요약에 들어가지 않습니다."),
    Turn("citizen", "감사합니다."),
]


def test_extractive_keeps_the_substance_and_masks_pii() -> None:
    s = extractive(TRANSCRIPT, max_sentences=3)
    lines = s.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("[민원]") and "기후동행카드" in lines[0]
    assert any(line.startswith("[답변]") and "환불" in line for line in lines)
    assert "9876" not in s and "챗봇" not in s and "감사합니다" not in s


def test_lead_baseline_and_bad_input() -> None:
    assert lead(TRANSCRIPT, 1).startswith("[민원] 기후동행카드")
    assert extractive([]) == ""
    with pytest.raises(ValueError):
        extractive(TRANSCRIPT, max_sentences=0)
    with pytest.raises(DomainError, match="too long"):
        extractive([Turn("citizen", "가" * 60_000)])


def test_majority_category() -> None:
    assert majority_category(["교통", "환경", "교통"]) == "교통"
    assert majority_category(["환경", "교통"]) == "환경"
    assert majority_category([None, None]) is None


class _FakeOpenAI(BaseHTTPRequestHandler):
    requests: list[dict[str, Any]] = []
    fail = False

    def do_POST(self) -> None:  # noqa: N802 - http.server API
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _FakeOpenAI.requests.append({"path": self.path, "body": body,
                                     "auth": self.headers.get("Authorization")})
        if _FakeOpenAI.fail:
            self.send_response(500)
            self.end_headers()
            return
        user = body["messages"][-1]["content"]
        answer = f"민원인이 기후동행카드 환불을 문의함. 연락처 010-9876-5432. 입력 {len(user)}자."
        payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": answer}}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload.encode())

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def fake_llm() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _FakeOpenAI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _FakeOpenAI.requests = []
    _FakeOpenAI.fail = False
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()


def test_llm_summary_through_an_openai_compatible_endpoint(fake_llm: str) -> None:
    text = llm_summary(TRANSCRIPT, fake_llm, "tiny-model", api_key="k-123")
    req = _FakeOpenAI.requests[-1]
    assert req["path"] == "/v1/chat/completions"
    assert req["body"]["model"] == "tiny-model" and req["auth"] == "Bearer k-123"
    sent = req["body"]["messages"][-1]["content"]
    assert "9876" not in sent  # PII never leaves the building
    assert "기후동행카드" in text and "9876" not in text  # and the answer is masked too
    proposal = propose(TRANSCRIPT, llm_base_url=fake_llm, llm_model="tiny-model")
    assert proposal.method == "llm"


def test_llm_failure_falls_back_to_extractive(fake_llm: str) -> None:
    _FakeOpenAI.fail = True
    proposal = propose(TRANSCRIPT, llm_base_url=fake_llm, llm_model="m")
    assert proposal.method == "extractive"
    assert proposal.note and "LLM summary failed" in proposal.note
    assert proposal.text.startswith("[민원]")
    assert propose(TRANSCRIPT).method == "extractive"
