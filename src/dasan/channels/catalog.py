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
    "chat_greeting": {
        "ko": "안녕하세요, 서울시 120다산콜 챗봇입니다. 궁금한 점을 입력해 주세요. "
              "상담사 연결을 원하시면 '상담사 연결' 버튼을 누르거나 '상담사'라고 입력해 주세요.",
        "en": "Hello, this is the Seoul 120 Dasan chatbot. Please type your question. To talk "
              "to an agent, press the button for an agent below.",
        "zh": "您好，这里是首尔120茶山呼叫中心聊天机器人。请输入您的问题。"
              "如需人工客服，请点击下方的转接客服按钮。",
        "ja": "こんにちは、ソウル120茶山コールのチャットボットです。ご質問を入力してください。"
              "担当者との相談をご希望の場合は、下の担当者につなぐボタンを押してください。",
        "vi": "Xin chào, đây là chatbot Seoul 120 Dasan. Vui lòng nhập câu hỏi của bạn. Nếu muốn "
              "nói chuyện với nhân viên, hãy bấm nút kết nối nhân viên bên dưới.",
        "mn": "Сайн байна уу, энэ бол Сөүл 120 Дасан чатбот. Асуултаа бичнэ үү. Ажилтантай "
              "ярихыг хүсвэл доорх ажилтантай холбох товчийг дарна уу.",
    },
    "chat_thanks": {
        "ko": "도움이 되어 다행입니다. 더 궁금한 점이 있으면 입력해 주세요.",
        "en": "Glad it helped. If you have another question, please type it.",
        "zh": "很高兴能帮到您。如果还有其他问题，请继续输入。",
        "ja": "お役に立ててよかったです。ほかにご質問があれば入力してください。",
        "vi": "Rất vui vì đã giúp được bạn. Nếu còn câu hỏi khác, vui lòng nhập tiếp.",
        "mn": "Тусалж чадсандаа баяртай байна. Өөр асуулт байвал бичнэ үү.",
    },
    "crisis_notice": {
        "ko": "많이 힘드시죠. 혼자 견디지 마세요. 곧 상담사가 먼저 연결해 드립니다. "
              "지금 위급하시면 자살예방상담전화 109 또는 112·119로 바로 연락해 주세요.",
        "en": "This must be very hard. You do not have to face it alone: an agent will be with "
              "you first, shortly. If you are in danger now, call the suicide prevention line "
              "109, or 112 / 119, right away.",
        "zh": "您一定很辛苦。请不要独自承受，客服人员会优先与您联系。如果现在情况危急，"
              "请立即拨打自杀预防热线109，或112、119。",
        "ja": "とてもおつらいですね。一人で抱え込まないでください。まもなく相談員が優先して"
              "おつなぎします。今すぐ危険な場合は、自殺予防相談電話109、または112・119に"
              "すぐ連絡してください。",
        "vi": "Chắc hẳn bạn đang rất khó khăn. Đừng chịu đựng một mình: tư vấn viên sẽ kết nối "
              "với bạn trước tiên ngay bây giờ. Nếu đang nguy cấp, hãy gọi ngay đường dây phòng "
              "chống tự tử 109, hoặc 112 / 119.",
        "mn": "Танд их хэцүү байгаа байх. Ганцаараа тэвчих хэрэггүй: удахгүй зөвлөх тантай "
              "түрүүлж холбогдоно. Одоо аюултай байвал амиа хорлохоос сэргийлэх утас 109, эсвэл "
              "112 / 119 руу даруй залгана уу.",
    },
    "abuse_warn_1": {
        "ko": "상담사에게 욕설·폭언을 하시면 상담이 종료될 수 있습니다. (1차 경고)",
        "en": "Abusive language towards agents may end this chat. (first warning)",
        "zh": "对客服人员辱骂或使用恶语，咨询可能会被终止。（第一次警告）",
        "ja": "相談員への暴言・罵倒があると、相談が終了される場合があります。（1回目の警告）",
        "vi": "Nếu bạn chửi bới, xúc phạm tư vấn viên, cuộc trò chuyện có thể bị kết thúc. "
              "(Cảnh báo lần 1)",
        "mn": "Зөвлөхийг хараах, доромжлох үг хэрэглэвэл зөвлөгөө зогсоогдож болно. "
              "(1-р анхааруулга)",
    },
    "abuse_warn_2": {
        "ko": "욕설·폭언이 계속되어 다시 안내드립니다. 한 번 더 반복되면 상담이 종료됩니다. "
              "(2차 경고)",
        "en": "Abuse continues. One more time and this chat will be ended. (second warning)",
        "zh": "辱骂仍在继续，再次提醒您。如再重复一次，咨询将被终止。（第二次警告）",
        "ja": "暴言が続いているため、再度ご案内します。もう一度繰り返されると相談を終了します。"
              "（2回目の警告）",
        "vi": "Lời lẽ xúc phạm vẫn tiếp diễn. Nếu lặp lại thêm một lần, cuộc trò chuyện sẽ bị "
              "kết thúc. (Cảnh báo lần 2)",
        "mn": "Доромжлол үргэлжилж байна. Дахин нэг удаа давтагдвал зөвлөгөө зогсоно. "
              "(2-р анхааруулга)",
    },
    "abuse_terminated": {
        "ko": "욕설·폭언이 반복되어 관련 규정에 따라 상담을 종료합니다. "
              "상담 내용은 기록되며 법적 조치가 취해질 수 있습니다.",
        "en": "This chat is ended under our policy after repeated abuse. It has been recorded, "
              "and legal action may be taken.",
        "zh": "由于多次辱骂，根据相关规定终止本次咨询。咨询内容已被记录，可能会采取法律措施。",
        "ja": "暴言が繰り返されたため、規定に従い相談を終了します。相談内容は記録され、"
              "法的措置が取られる場合があります。",
        "vi": "Do lời lẽ xúc phạm lặp lại nhiều lần, cuộc trò chuyện được kết thúc theo quy định. "
              "Nội dung đã được ghi lại và có thể bị xử lý theo pháp luật.",
        "mn": "Доромжлол давтагдсан тул журмын дагуу зөвлөгөөг зогсоож байна. Агуулгыг бүртгэсэн "
              "бөгөөд хуулийн арга хэмжээ авч болно.",
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
