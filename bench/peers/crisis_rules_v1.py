"""Peer for bench_crisis: the crisis rules as they were before issue 17 (kinds suicide, danger),
kept verbatim so the benchmark can measure the new detector against them in the same run."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dasan.text.normalize import light_view

KINDS: tuple[str, ...] = ("suicide", "danger")

_SUICIDE = re.compile(
    r"죽고\s?싶(?!냐|니|어\s?\?|으면|은\s?(?:놈|년|새))|죽어\s?(?:버리고|없어지고)\s?싶|그냥\s?죽(?:을래요|을게요|을\s?거예요|어야지)"
    r"|죽으려고\s?(?:해|요|합|마음)|죽을\s?(?:생각|결심|방법)|죽는\s?(?:방법|게\s?나을)|자살(?!\s?(?:예방|방지|률|율|\s?위기|예방센터|유가족|\s?관련|\s?뉴스|\s?기사|\s?사건|\s?사고|\s?보도))"
    r"|목숨\s?을?\s?끊|생을\s?마감|삶을\s?(?:끝내|포기|마감)|살기\s?(?:가\s?)?싫|살고\s?싶지\s?(?:않|가\s?않)|더\s?(?:이상|는)?\s?살\s?(?:이유|자신|힘)\s?(?:이|가)?\s?없"
    r"|사라지고\s?싶|없어지고\s?싶|세상을\s?떠나고\s?싶|뛰어\s?내리(?:려|고\s?싶|겠|ㄹ|면)|뛰어\s?내릴|투신|한강\s?(?:에|다리|물)\s?(?:에서\s?)?(?:뛰어|빠지|들어가|가려|갈)"
    r"|목\s?(?:을\s?)?매(?:려|고\s?싶|달|겠|ㄹ|단|었)|목매|수면제\s?(?:를|을)?\s?(?:다|많이|모아|한\s?통|잔뜩|털어)|약\s?을\s?(?:다|잔뜩|한꺼번에)\s?(?:먹었|먹을|삼켰)"
    r"|번개탄|유서\s?(?:를|도)?\s?(?:썼|쓰고|써\s?(?:놓|놨|뒀|두었)|남기)|극단적(?:인)?\s?(?:선택|생각)\s?을?\s?(?:하려|할까|하고\s?싶|하겠|할\s?것\s?같|하게\s?될)"
    r"|(?:다|모두|이제)\s?끝내고\s?싶|끝내\s?버리고\s?싶|마지막\s?(?:인사|전화|통화)(?:예요|입니다|라고|로)|손목\s?(?:을\s?)?(?:긋|그었|그을)|죽는\s?게\s?낫"
    r"|자해(?:를|하고|했|할)",
)
_SUICIDE_NEGATED = re.compile(
    r"(?:예방|방지|상담\s?번호|핫라인|센터|기사|뉴스|보도|통계|드라마|영화|소설)"
)
_DANGER = re.compile(
    r"살려\s?(?:주세요|줘|주십시오|달라)|(?:남편|아내|아빠|엄마|아버지|어머니|애\s?아빠|오빠|형|그\s?사람|그놈|누가|사람이|동거인|남자친구|남친|전\s?남친)(?:이|가|한테|에게)?\s?"
    r"(?:저를|나를|애를|아이를|절)?\s?(?:때려|때리|폭행|칼을?\s?들|목을\s?졸|죽이려|위협)|맞고\s?있(?:어요|습니다|어)|칼\s?을?\s?들고\s?(?:있|와|쫓|위협)"
    r"|불이\s?(?:났|붙었)|불났|연기가\s?(?:나|자욱|가득)|가스\s?(?:냄새|새)|쓰러졌(?:어요|습니다|어)|숨을\s?(?:안|못)\s?쉬|의식이\s?없|피를?\s?(?:많이\s?)?흘리|피가\s?(?:멈추지|안\s?멈)"
    r"|갇혔|납치|감금|스토킹\s?(?:당하|당했|하고\s?있)|(?:누가|모르는\s?사람이?)\s?(?:쫓아|따라)\s?(?:오|와)|학대\s?(?:당하|받고|하고\s?있)|아동\s?학대|가정\s?폭력\s?(?:당하|중|이\s?일어)"
    r"|물에\s?빠졌|떨어졌(?:어요|습니다)\s?(?:사람|아이)|사람이\s?(?:떨어|빠졌|쓰러|다쳤)",
)


@dataclass(frozen=True)
class CrisisResult:
    crisis: bool
    kind: str | None = None  # suicide | danger
    spans: list[tuple[int, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {"crisis": self.crisis, "kind": self.kind, "spans": [list(s) for s in self.spans]}


def detect_crisis(text: str) -> CrisisResult:
    """Whether ``text`` signals suicidal intent or present danger (for priority handling)."""
    if not isinstance(text, str):
        raise ValueError(f"text must be a string, not {type(text).__name__}")
    view = light_view(text)
    found: list[tuple[str, tuple[int, int]]] = []
    for kind, pattern in (("suicide", _SUICIDE), ("danger", _DANGER)):
        for m in pattern.finditer(view.text):
            if kind == "suicide":
                around = view.text[max(0, m.start() - 12):m.end() + 12]
                if _SUICIDE_NEGATED.search(around) and not re.search(r"싶|려고|겠|거예요", around):
                    continue
            found.append((kind, view.span(m.start(), m.end())))
    if not found:
        return CrisisResult(False)
    kinds = {k for k, _ in found}
    kind = "suicide" if "suicide" in kinds else "danger"
    return CrisisResult(True, kind, sorted(span for _, span in found))
