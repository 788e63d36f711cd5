"""System messages of the written channels in the six languages the city serves.

These are UI catalogue strings written once (not machine translation), so a citizen who does
not write Korean is told in their own language what happens, even with no translation engine.
"""

from __future__ import annotations

from functools import lru_cache

from dasan.text.pii import mask

LANGUAGES = ("ko", "en", "zh", "ja", "vi", "mn")

MESSAGES: dict[str, dict[str, str]] = {
    "received": {
        "ko": "[120다산콜] 문의가 접수되었습니다. 상담사가 순서대로 답변드립니다.",
        "en": "[Seoul 120] We received your question. An agent will answer in turn.",
        "zh": "[首尔120] 您的咨询已受理，客服人员将依次为您答复。",
        "ja": "[ソウル120] お問い合わせを受け付けました。担当者が順番にお答えします。",
        "vi": "[Seoul 120] Chúng tôi đã nhận câu hỏi của bạn. Nhân viên sẽ trả lời theo thứ tự.",
        "mn": "[Сөүл 120] Таны асуултыг хүлээн авлаа. Ажилтан дарааллаар хариулна.",
    },
    "foreign_queue": {
        "ko": "외국어 상담사가 답변드립니다.",
        "en": "An agent who speaks your language will answer. Automatic answers are in Korean.",
        "zh": "会说您语言的客服人员将为您答复。自动回答为韩语。",
        "ja": "あなたの言語を話す担当者がお答えします。自動回答は韓国語です。",
        "vi": "Nhân viên nói ngôn ngữ của bạn sẽ trả lời. Câu trả lời tự động bằng tiếng Hàn.",
        "mn": "Таны хэлээр ярьдаг ажилтан хариулна. Автомат хариулт солонгос хэл дээр байна.",
    },
    "answer_in_korean": {
        "ko": "",
        "en": "Here is our answer (in Korean; an agent can explain it in English):",
        "zh": "以下是我们的回答（韩语；客服人员可以用中文说明）：",
        "ja": "回答は以下のとおりです（韓国語。担当者が日本語でご説明できます）：",
        "vi": "Đây là câu trả lời (bằng tiếng Hàn; nhân viên có thể giải thích bằng tiếng Việt):",
        "mn": "Бидний хариулт (солонгос хэлээр; ажилтан монголоор тайлбарлаж болно):",
    },
    "survey": {
        "ko": "[120다산콜] 상담에 만족하셨나요? 1(매우 불만족)~5(매우 만족) 숫자 하나로 답장해 "
              "주세요.",
        "en": "[Seoul 120] How satisfied were you with our answer? Reply with one number from "
              "1 (very unsatisfied) to 5 (very satisfied).",
        "zh": "[首尔120] 您对本次咨询满意吗？请回复一个数字：1（非常不满意）至5（非常满意）。",
        "ja": "[ソウル120] 今回の相談にご満足いただけましたか。1（とても不満）～5（とても満足）の"
              "数字を一つ返信してください。",
        "vi": "[Seoul 120] Bạn có hài lòng với câu trả lời không? Hãy trả lời một số từ 1 "
              "(rất không hài lòng) đến 5 (rất hài lòng).",
        "mn": "[Сөүл 120] Зөвлөгөөнд сэтгэл ханамжтай байсан уу? 1 (огт сэтгэл ханамжгүй)-ээс "
              "5 (маш сэтгэл ханамжтай) хүртэлх нэг тоогоор хариулна уу.",
    },
    "survey_thanks": {
        "ko": "[120다산콜] 소중한 의견 감사합니다.",
        "en": "[Seoul 120] Thank you for your feedback.",
        "zh": "[首尔120] 感谢您的宝贵意见。",
        "ja": "[ソウル120] 貴重なご意見ありがとうございます。",
        "vi": "[Seoul 120] Cảm ơn ý kiến của bạn.",
        "mn": "[Сөүл 120] Санал хүсэлтэд баярлалаа.",
    },
    "summary": {
        "ko": "",
        "en": "Summary of our answer (written by our editors in English):",
        "zh": "回答摘要（由我们的编辑用中文撰写）：",
        "ja": "回答の要約（編集担当が日本語で作成）：",
        "vi": "Tóm tắt câu trả lời (do biên tập viên viết bằng tiếng Việt):",
        "mn": "Хариултын товч агуулга (манай редактор монголоор бичсэн):",
    },
    "keywords": {"ko": "주요어", "en": "Keywords", "zh": "关键词", "ja": "キーワード",
                 "vi": "Từ khóa", "mn": "Түлхүүр үг"},
    "more": {"ko": "자세히", "en": "More", "zh": "详情", "ja": "詳細", "vi": "Chi tiết",
             "mn": "Дэлгэрэнгүй"},
    "translated": {
        "ko": "", "en": "(machine translation)", "zh": "（机器翻译）", "ja": "（機械翻訳）",
        "vi": "(bản dịch máy)", "mn": "(машин орчуулга)",
    },
    "opted_out": {
        "ko": "[120다산콜] 수신거부 처리되었습니다. 다시 받으시려면 '수신동의'를 보내 주세요.",
        "en": "[Seoul 120] You will receive no more messages. Send 'START' to receive them again.",
        "zh": "[首尔120] 已为您办理拒收。如需重新接收，请发送“START”。",
        "ja": "[ソウル120] 受信拒否を承りました。再開するには「START」を送信してください。",
        "vi": "[Seoul 120] Bạn sẽ không nhận tin nhắn nữa. Gửi 'START' để nhận lại.",
        "mn": "[Сөүл 120] Цаашид мессеж илгээхгүй. Дахин авах бол 'START' илгээнэ үү.",
    },
    "closed": {
        "ko": "상담이 종료되었습니다. 이용해 주셔서 감사합니다.",
        "en": "This consultation is closed. Thank you.",
        "zh": "本次咨询已结束。谢谢。",
        "ja": "本相談は終了しました。ありがとうございました。",
        "vi": "Cuộc tư vấn đã kết thúc. Cảm ơn bạn.",
        "mn": "Зөвлөгөө дууслаа. Баярлалаа.",
    },
}


def message(key: str, lang: str) -> str:
    """The catalogue string in `lang` (Korean when the language is not served)."""
    entry = MESSAGES[key]
    return entry.get(lang) or entry["ko"]


@lru_cache(maxsize=256)
def notice(keys: tuple[str, ...], lang: str) -> tuple[str, str]:
    """A system notice: the catalogue strings of `keys` in `lang` joined by spaces, and its
    masked form as a transcript stores it (`mask`). Cached: the catalogue is fixed, so a
    batch does not mask the same notice again for every citizen it acknowledges."""
    text = " ".join(message(k, lang) for k in keys).strip()
    return text, mask(text).masked if text else text
