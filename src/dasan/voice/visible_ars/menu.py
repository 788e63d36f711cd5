"""The page's menu: the same tree as the live flow, with a short KB answer on each leaf.

The tree starts at the first menu a regular caller reaches (attribute checks take their `else`
branch, hours their `open` branch). Leaves are the queue nodes; each shows a short answer from
the knowledge base (the top answerable entry for the leaf's label, or the query the flow sets in
`visible_ars.answers`), with its owner and review date so the caller knows what it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from dasan.consultations.channels import ARS_MENU
from dasan.knowledge.bot_answer import find_answer
from dasan.knowledge.live import get_live_index
from dasan.voice.flows.schema import (
    AttributeNode,
    Flow,
    HoursNode,
    MenuNode,
    PlayNode,
    QueueNode,
    SetNode,
)

SHORT_ANSWER_CHARS = 160
SPOKEN_ANSWER_CHARS = 220
_QUEUE_LABELS = {queue: (ko, en) for _d, (queue, ko, en) in ARS_MENU.items()}
_LANG_LABELS = {"en": ("영어", "English"), "zh": ("중국어", "Chinese"),
                "ja": ("일본어", "Japanese"), "vi": ("베트남어", "Vietnamese"),
                "mn": ("몽골어", "Mongolian")}


def label_pairs() -> list[tuple[str, str]]:
    """Every (Korean, English) label the page can show for the city's menu (the citizen
    pages' catalogues translate them)."""
    pairs = [("주 메뉴", "Main menu"), *_QUEUE_LABELS.values(), *_LANG_LABELS.values()]
    pairs += [(ko, en) for _queue, ko, en in ARS_MENU.values()]
    return list(dict.fromkeys(pairs))


@dataclass
class Answer:
    entry_id: int
    title: str
    text: str
    owner: str | None
    review_due: str | None


@dataclass
class Item:
    node: str
    key: str
    kind: str  # menu | queue
    label_ko: str
    label_en: str
    queue: str | None = None
    answer: Answer | None = None
    children: list[Item] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"node": self.node, "key": self.key, "kind": self.kind, "label_ko": self.label_ko,
                "label_en": self.label_en, "queue": self.queue,
                "answer": self.answer.__dict__ if self.answer else None,
                "children": [c.to_dict() for c in self.children]}

    def walk(self) -> list[Item]:
        out = [self]
        for c in self.children:
            out += c.walk()
        return out


def root_menu(flow: Flow) -> str | None:
    nid: str | None = flow.start
    for _ in range(len(flow.nodes) + 1):
        if nid is None:
            return None
        node = flow.nodes[nid]
        if isinstance(node, MenuNode):
            return nid
        if isinstance(node, AttributeNode):
            nid = node.else_
        elif isinstance(node, HoursNode):
            nid = node.open
        elif isinstance(node, PlayNode | SetNode):
            nid = node.next
        else:
            return None
    return None


def _labels(flow: Flow, nid: str, key: str, parent_key: str) -> tuple[str, str]:
    node = flow.nodes[nid]
    if isinstance(node, QueueNode):
        if node.queue == "foreign" and node.language in _LANG_LABELS:
            return _LANG_LABELS[node.language]
        if node.queue in _QUEUE_LABELS:
            return _QUEUE_LABELS[node.queue]
    if parent_key == "" and key in ARS_MENU:
        return ARS_MENU[key][1], ARS_MENU[key][2]
    label = node.label or nid
    return label, label


def build(flow: Flow, session: Session | None = None, today: date | None = None) -> Item | None:
    """The page's tree (None when the flow has no menu); answers need a `session` (and wait
    for a cold knowledge index: see `answers_ready`)."""
    start = root_menu(flow)
    if start is None:
        return None
    root = Item(start, "", "menu", "주 메뉴", "Main menu")
    seen = {start}

    def fill(item: Item) -> None:
        node = flow.nodes[item.node]
        assert isinstance(node, MenuNode)
        for key, target in node.options.items():
            if target in seen:
                continue
            child_node = flow.nodes[target]
            if not isinstance(child_node, MenuNode | QueueNode):
                continue
            ko, en = _labels(flow, target, key, item.key)
            child = Item(target, key, "menu" if isinstance(child_node, MenuNode) else "queue",
                         ko, en, queue=getattr(child_node, "queue", None))
            seen.add(target)
            item.children.append(child)
            if isinstance(child_node, MenuNode):
                fill(child)

    fill(root)
    if session is not None:
        add_answers(root, flow, session, today or date.today())
    return root


def answers_ready() -> bool:
    """Whether the KB answers can be added without waiting; if not, the index starts building
    in the background."""
    live = get_live_index()
    if live.is_warm():
        return True
    live.warm_in_background()
    return False


def add_answers(root: Item, flow: Flow, session: Session, today: date) -> None:
    overrides = flow.visible_ars.answers if flow.visible_ars else {}
    for item in root.walk():
        if item.kind != "queue":
            continue
        query = overrides.get(item.node) or item.label_ko
        # the chatbot's decision (find_answer): a menu item shows an answer only when the bot
        # would give it; otherwise the caller goes on to the queue
        result = find_answer(session, query, today)
        if result.decision.kind != "answer":
            continue
        entry, _hit = result.found[0]
        text = " ".join((entry.answer or "").split())
        if len(text) > SHORT_ANSWER_CHARS:
            text = text[:SHORT_ANSWER_CHARS].rsplit(" ", 1)[0] + " …"
        item.answer = Answer(entry.id, entry.title, text,
                             entry.owner.name if entry.owner else None,
                             entry.review_due.isoformat() if entry.review_due else None)


def find(root: Item, node: str) -> Item | None:
    return next((i for i in root.walk() if i.node == node), None)


def agent_node(flow: Flow, root: Item) -> str:
    """Where "상담사 연결" goes without a chosen leaf: the menu's 0 option, else its fallback."""
    node = flow.nodes[root.node]
    assert isinstance(node, MenuNode)
    return node.options.get("0") or node.on_fail


def spoken(answer: Answer) -> str:
    return f"{answer.title}. {answer.text}"[:SPOKEN_ANSWER_CHARS]


__all__ = ["Answer", "Item", "agent_node", "answers_ready", "build", "find", "root_menu"]
