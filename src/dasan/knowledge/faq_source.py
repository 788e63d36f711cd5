"""Reading the seed FAQ files of the Standard Consultation DB (표준상담DB).

Sources (see ``../shared/data/PROVENANCE.md``):

* ``seoul120-faq-opengov/civilappeal_data.csv`` and ``complaint_data.csv``: ``id,질문,본문``
  (UTF-8 with BOM). Many questions carry a ``[대시민용] <사업명>, <question>`` prefix; the
  programme name goes to :attr:`FaqRecord.program` and the question keeps the rest.
* ``seoul120-faq-opengov/geumcheon_gu_minwon_faq.csv``: ``id,질문,내용`` (Geumcheon-gu FAQ).
* ``seoul120-text-pytextbook/seoul-120-text.csv``: ``번호,분류,제목,내용,내용번호``; only its
  title -> category (분류) mapping is used, to label FAQ records and to train
  :class:`CategoryClassifier` for the rest.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from dasan.text.korean import tokens_batch

CATEGORIES: tuple[str, ...] = (
    "행정", "경제", "복지", "환경", "주택도시계획", "문화관광", "교통", "안전", "건강", "여성가족",
)

_QUESTION_COLUMNS = ("질문",)
_ANSWER_COLUMNS = ("본문", "내용")
# "[대시민용] 기후동행카드, 환불은?"  /  "[대시민용], 서울시 장애인 버스요금 지원사업, 하루에 ..."
_CITIZEN_PREFIX = re.compile(r"^\s*\[+\s*대시민용\s*\]+\s*,?\s*")
# Other bracket tags such as "[저출산대책] ..." or "[위험물_완공검사] ..." name the programme too.
_BRACKET_PREFIX = re.compile(r"^\s*\[([^\]]{1,40})\]\s*,?\s*")


@dataclass(frozen=True, slots=True)
class FaqRecord:
    """One question/answer pair read from a seed file.

    ``title`` is what an editor sees: ``"<program>, <question>"`` when there is a programme,
    else the question. ``answer`` may be empty: such rows become "needs an answer" entries.
    """

    external_id: str
    title: str
    program: str | None
    question: str
    answer: str
    category: str | None
    source: str


def _clean(text: str) -> str:
    text = text.replace("\ufeff", "")
    # The source turned some spaces into full-width question marks ("유효기간이？지난？경우",
    # "밀키트·？먹거리"); a real question mark ends the text or precedes a space.
    text = text.replace("·？", "·")
    text = re.sub(r"？(?=\S)", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def split_program(raw_question: str, known_programs: Iterable[str] = ()) -> tuple[str | None, str]:
    """Split ``[대시민용] <사업명>, <question>`` into ``(program, question)``.

    Rows whose programme is not followed by a comma (``[대시민용] 서울페스타 2023 주요 프로그램은
    ...``) are split when the text starts with one of ``known_programs`` (the programme names
    seen with a comma elsewhere in the file); otherwise the programme stays unknown and the
    question keeps the text. Other bracket tags (``[저출산대책] ...``) become the programme.
    """
    text = _clean(raw_question)
    m = _CITIZEN_PREFIX.match(text)
    if m:
        rest = text[m.end() :]
        for prog in sorted(known_programs, key=len, reverse=True):
            if prog and rest.startswith(prog) and len(rest) > len(prog):
                question = rest[len(prog) :].lstrip(" ,")
                if question:
                    return prog, question
        if "," in rest:
            prog, question = rest.split(",", 1)
            prog, question = prog.strip(), question.strip()
            if prog and question and len(prog) <= 40:
                return prog, question
        return None, rest
    m = _BRACKET_PREFIX.match(text)
    if m and len(text) > m.end():
        return m.group(1).strip(), text[m.end() :]
    return None, text


def _known_programs(questions: Iterable[str]) -> set[str]:
    found: Counter[str] = Counter()
    for q in questions:
        text = _clean(q)
        m = _CITIZEN_PREFIX.match(text)
        if m and "," in text[m.end() :]:
            prog = text[m.end() :].split(",", 1)[0].strip()
            if prog and len(prog) <= 40:
                found[prog] += 1
    return {p for p, n in found.items() if n >= 2}


def _normalise_program(program: str) -> str:
    # "가정행복 도시락·밀키트·？먹거리" carries a stray full-width question mark in the source.
    return re.sub(r"[？?]", "", program).strip()


def load_civilappeal(path: Path | str, source: str | None = None) -> list[FaqRecord]:
    """Read civilappeal_data.csv / complaint_data.csv (``id,질문,본문``) or the Geumcheon FAQ
    (``id,질문,내용``) into records, in file order.

    Raises ValueError when the file lacks an id, question or answer column or an id repeats.
    """
    path = Path(path)
    src = source or path.stem
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = [f.strip() for f in (reader.fieldnames or [])]
        reader.fieldnames = fields
        qcol = next((c for c in _QUESTION_COLUMNS if c in fields), None)
        acol = next((c for c in _ANSWER_COLUMNS if c in fields), None)
        if "id" not in fields or qcol is None or acol is None:
            raise ValueError(
                f"{path.name}: expected columns id,질문,본문 or id,질문,내용; found {fields}"
            )
        rows = list(reader)
    programs = _known_programs(r.get(qcol) or "" for r in rows)
    records: list[FaqRecord] = []
    seen: set[str] = set()
    for lineno, row in enumerate(rows, start=2):
        ext = _clean(row.get("id") or "")
        raw_q = row.get(qcol) or ""
        if not ext:
            raise ValueError(f"{path.name}:{lineno}: empty id")
        if ext in seen:
            raise ValueError(f"{path.name}:{lineno}: duplicate id {ext!r}")
        seen.add(ext)
        if not raw_q.strip():
            raise ValueError(f"{path.name}:{lineno}: empty question for id {ext!r}")
        program, question = split_program(raw_q, programs)
        if program is not None:
            program = _normalise_program(program)
        title = f"{program}, {question}" if program else question
        answer = (row.get(acol) or "").replace("\ufeff", "").strip()
        records.append(
            FaqRecord(
                external_id=ext,
                title=title,
                program=program,
                question=question,
                answer=answer,
                category=None,
                source=src,
            )
        )
    return records


def title_key(title: str) -> str:
    """Key for matching titles across files: letters and digits only (punctuation, spaces
    and the ``[대시민용]`` marker dropped)."""
    text = _CITIZEN_PREFIX.sub("", _clean(title))
    return re.sub(r"[^0-9A-Za-z가-힣]+", "", text).lower()


def load_pytextbook(path: Path | str) -> list[tuple[str, str]]:
    """``(title, category)`` rows of seoul-120-text.csv (``번호,분류,제목,내용,내용번호``)."""
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = reader.fieldnames or []
        if "분류" not in fields or "제목" not in fields:
            raise ValueError(f"{path.name}: expected columns 번호,분류,제목,...; found {fields}")
        out: list[tuple[str, str]] = []
        for lineno, row in enumerate(reader, start=2):
            cat = (row.get("분류") or "").strip()
            title = _clean(row.get("제목") or "")
            if cat not in CATEGORIES:
                raise ValueError(f"{path.name}:{lineno}: unknown category {cat!r}")
            if title:
                out.append((title, cat))
    return out


def load_pytextbook_categories(path: Path | str) -> dict[str, str]:
    """Title key (see :func:`title_key`) -> 분류 of seoul-120-text.csv.

    Where one title carries two categories the more frequent one wins (ties: first seen).
    """
    votes: dict[str, Counter[str]] = {}
    for title, cat in load_pytextbook(path):
        votes.setdefault(title_key(title), Counter())[cat] += 1
    return {k: c.most_common(1)[0][0] for k, c in votes.items()}


def assign_categories(
    records: Sequence[FaqRecord],
    title_categories: Mapping[str, str],
    classifier: CategoryClassifier | CachedCategories | None = None,
) -> list[FaqRecord]:
    """Records with ``category`` set: from an exact title match first, else from
    ``classifier`` (when given), else left as it was."""
    out: list[FaqRecord] = []
    missing: list[int] = []
    for i, rec in enumerate(records):
        cat = title_categories.get(title_key(rec.question)) or title_categories.get(
            title_key(rec.title)
        )
        if cat is None:
            missing.append(i)
        out.append(replace(rec, category=cat) if cat else rec)
    if classifier is not None and missing:
        preds = classifier.predict([records[i].title for i in missing])
        for i, cat in zip(missing, preds, strict=True):
            if out[i].category is None:
                out[i] = replace(out[i], category=cat)
    return out


class CategoryClassifier:
    """Title -> one of :data:`CATEGORIES`: tf-idf over kiwi content morphemes and character
    bigrams, then a class-balanced logistic regression (scikit-learn)."""

    def __init__(self, c: float = 4.0) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import FeatureUnion, Pipeline

        self._c = c
        words = TfidfVectorizer(
            analyzer=lambda toks: toks[0], sublinear_tf=True, min_df=1, token_pattern=None
        )
        chars = TfidfVectorizer(
            analyzer=lambda toks: toks[1], sublinear_tf=True, min_df=2, token_pattern=None
        )
        self._pipe = Pipeline(
            [
                ("features", FeatureUnion([("words", words), ("chars", chars)])),
                (
                    "clf",
                    LogisticRegression(C=c, max_iter=2000, class_weight="balanced"),
                ),
            ]
        )
        self._fitted = False

    @staticmethod
    def _features(titles: Sequence[str]) -> list[tuple[list[str], list[str]]]:
        toks = tokens_batch(list(titles))
        out: list[tuple[list[str], list[str]]] = []
        for title, words in zip(titles, toks, strict=True):
            s = re.sub(r"[^0-9a-z가-힣]+", "", title.lower())
            out.append((words, [s[i : i + 2] for i in range(max(len(s) - 1, 0))]))
        return out

    def fit(self, titles: Sequence[str], labels: Sequence[str]) -> CategoryClassifier:
        if len(titles) != len(labels):
            raise ValueError(f"{len(titles)} titles but {len(labels)} labels")
        bad = sorted({lab for lab in labels if lab not in CATEGORIES})
        if bad:
            raise ValueError(f"unknown categories {bad}; expected one of {list(CATEGORIES)}")
        if len(set(labels)) < 2:
            raise ValueError("need at least two categories to train")
        self._pipe.fit(self._features(titles), list(labels))
        self._fitted = True
        return self

    def predict(self, titles: Sequence[str]) -> list[str]:
        if not self._fitted:
            raise ValueError("classifier is not trained; call fit() first")
        if not titles:
            return []
        return [str(x) for x in self._pipe.predict(self._features(titles))]

    def evaluate(
        self, titles: Sequence[str], labels: Sequence[str]
    ) -> dict[str, float]:
        """Accuracy and macro-F1 on a labelled set."""
        from sklearn.metrics import accuracy_score, f1_score

        preds = self.predict(titles)
        return {
            "accuracy": float(accuracy_score(labels, preds)),
            "macro_f1": float(f1_score(labels, preds, average="macro", zero_division=0)),
            "n": float(len(labels)),
        }


def holdout_split(
    n: int, test_fraction: float = 0.2, seed: int = 13
) -> tuple[np.ndarray, np.ndarray]:
    """Deterministic shuffled train/test index split."""
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
    rng = np.random.default_rng(seed)
    idx = rng.permutation(n)
    cut = int(round(n * test_fraction))
    return idx[cut:], idx[:cut]


SEED_FILES: tuple[tuple[str, str], ...] = (
    ("seoul120-faq-opengov/civilappeal_data.csv", "civilappeal"),
    ("seoul120-faq-opengov/complaint_data.csv", "complaint"),
    ("seoul120-faq-opengov/geumcheon_gu_minwon_faq.csv", "geumcheon"),
)
PYTEXTBOOK_FILE = "seoul120-text-pytextbook/seoul-120-text.csv"


def load_seed_records(data_dir: Path | str, classify: bool = True) -> list[FaqRecord]:
    """Every seed FAQ file found under ``data_dir`` (``../shared/data``), with categories.

    Sources are named ``civilappeal``, ``complaint`` and ``geumcheon``. Categories come from an
    exact title match in the pytextbook file; with ``classify`` the rest are predicted by a
    :class:`CategoryClassifier` trained on that file (about 10 s). Raises ValueError when no
    seed file is present.
    """
    data_dir = Path(data_dir)
    records: list[FaqRecord] = []
    for rel, source in SEED_FILES:
        path = data_dir / rel
        if path.is_file():
            records.extend(load_civilappeal(path, source=source))
    if not records:
        names = ", ".join(rel for rel, _ in SEED_FILES)
        raise ValueError(f"no seed FAQ file found under {data_dir} (looked for {names})")
    pt_path = data_dir / PYTEXTBOOK_FILE
    if pt_path.is_file():
        rows = load_pytextbook(pt_path)
        classifier: CategoryClassifier | CachedCategories | None = None
        if classify:
            classifier = CachedCategories(rows, pt_path.read_bytes())
        records = assign_categories(records, load_pytextbook_categories(pt_path), classifier)
    return records


class CachedCategories:
    """The trained :class:`CategoryClassifier`'s predictions, kept in ``var/cache`` under a
    digest of its training file: the seed import (demo start, tests) trains once per install.
    The classifier is trained only when a title is not in the cache."""

    VERSION = "1"  # bump when the classifier or its features change

    def __init__(self, rows: Sequence[tuple[str, str]], training_bytes: bytes,
                 cache_dir: Path | None = None) -> None:
        import hashlib

        from dasan.config import VAR_DIR

        self._rows = rows
        digest = hashlib.sha256(self.VERSION.encode() + training_bytes).hexdigest()[:16]
        self._path = (cache_dir or VAR_DIR / "cache") / f"seed-categories-{digest}.json"

    def _load(self) -> dict[str, str]:
        import json

        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items() if v in CATEGORIES} \
            if isinstance(data, dict) else {}

    def _save(self, known: Mapping[str, str]) -> None:
        import json
        import os
        import tempfile

        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self._path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(dict(known), f, ensure_ascii=False)
            os.replace(tmp, self._path)  # atomic: parallel importers never read half a file
        except OSError:
            pass  # a read-only install predicts again next time

    def predict(self, titles: Sequence[str]) -> list[str]:
        known = self._load()
        todo = sorted({t for t in titles if t not in known})
        if todo:
            clf = CategoryClassifier().fit([t for t, _ in self._rows],
                                           [c for _, c in self._rows])
            known.update(zip(todo, clf.predict(todo), strict=True))
            self._save(known)
        return [known[t] for t in titles]
