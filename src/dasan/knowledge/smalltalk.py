"""Small talk: is a citizen's message chit-chat rather than a question about city services?

Greetings, thanks, feelings, questions about the bot, jokes, requests a city bot cannot serve
and private companies' matters get a short reply and an offer to help (the chat bot's
:data:`dasan.chat.bot.SMALLTALK_KO`), never an answer from the knowledge base: the answer
policy (:func:`dasan.knowledge.answering.decide`) refuses a line this recogniser flags.

The model: binary character n-grams (1-3, over the NFKC, lower-cased text with its spaces,
plus the message's last one and two characters as ending features), L2-normalised, and a
logistic regression. Scoring is a dictionary lookup per n-gram (well under a millisecond).
Trained at ``make models`` (``dasan kb prepare``) from ``../shared/data``:

* small talk: the songys chit-chat lines (ChatbotData.csv) that no benchmark uses
  (:func:`training_pool` leaves out every line of :func:`bench_lines`: the 450 of
  ``bench_search.load_ood`` - tune, hold-out A and bench_search's test - and the 150 of
  ``bench_answer.fresh_chitchat``, hold-out B), with the lines of
  ``smalltalk_data/written.txt`` (polite small talk and private companies' matters, which
  songys, written in casual speech about feelings, lacks);
* questions about city services: the seed FAQ's titles and the editors' Korean question
  variants shipped in ``seed_variants``.

No benchmark question (tune or hold-out) is trained on: besides the songys lines the benchmarks
sample, every line equal (:func:`key`: case, spaces and end punctuation aside) to a ``query``
of ``bench/data/*.jsonl`` (:func:`benchmark_keys`; a hold-out added there later too) is left
out of both classes, so the answer benchmark's figures on the chit-chat of its tune split and
of blind tune set G are out of sample for this model. The threshold is chosen out of fold on
the training lines (:data:`FALSE_ALARM`).
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import logging
import math
import random
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dasan.config import PROJECT_ROOT, get_settings
from dasan.text.model_files import kept_or_trained

log = logging.getLogger(__name__)

MODEL_VERSION = 1
SONGYS_FILE = Path("chatbot-data-songys") / "ChatbotData.csv"
WRITTEN_FILE = Path(__file__).parent / "smalltalk_data" / "written.txt"
CACHE_DIR = PROJECT_ROOT / "var" / "models"
BENCH_DATA = PROJECT_ROOT / "bench" / "data"
# The benchmarks' songys samples (bench/bench_search.py load_ood, bench/bench_answer.py
# fresh_chitchat): seeds and sizes. bench_search's confidence section samples 450 with seed 7
# (its first 300 are bench_answer's: 100 tune, 200 hold-out A); fresh_chitchat draws 150 of the
# rest with its own seed (hold-out B). A test checks these against the benchmarks' own lines.
BENCH_SEED, BENCH_LINES = 7, 450
FRESH_SEED, FRESH_LINES = 20261203, 150
# The threshold: the lowest score at which at most this share of the city-service questions
# (titles and variants) is flagged, out of fold (5 folds) on the training lines.
FALSE_ALARM = 0.005
C_REG = 4.0
NGRAMS = (1, 2, 3)
_PUNCT_END = re.compile(r"[\s?!.~…,^]+$")
_SPACES = re.compile(r"\s+")


def features(text: str) -> set[str]:
    """The message's features: character 1-3-grams of its normalised text (spaces as ``_``,
    a boundary at each end) and its last one and two characters before any punctuation."""
    t = _SPACES.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()
    if not t:
        return set()
    padded = f"_{t.replace(' ', '_')}_"
    out = {padded[i:i + n] for n in NGRAMS for i in range(len(padded) - n + 1)}
    core = _PUNCT_END.sub("", t)
    if core:
        out.add(f"$1{core[-1:]}")
        out.add(f"$2{core[-2:]}")
    if t.endswith("?"):
        out.add("$?")
    return out


@dataclass
class SmallTalkModel:
    """A logistic regression over :func:`features` (binary, L2-normalised): weights by
    feature, bias and the threshold of :func:`is_smalltalk`."""

    weights: dict[str, float]
    bias: float
    threshold: float
    trained_on: dict[str, int] = field(default_factory=dict)

    def score(self, text: str) -> float:
        """p(small talk) of ``text``."""
        f = features(text)
        if not f:
            return 0.0
        z = self.bias + sum(self.weights.get(x, 0.0) for x in f) / math.sqrt(len(f))
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    def __call__(self, text: str) -> bool:
        return self.score(text) >= self.threshold


def load_songys(path: Path) -> list[str]:
    """The questions (column ``Q``) of the songys ChatbotData file, in file order."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [row["Q"].strip() for row in csv.DictReader(fh) if row.get("Q", "").strip()]


def key(text: str) -> str:
    """``text`` as the exclusions compare it: NFKC, lower case, single spaces, no end
    punctuation."""
    t = _SPACES.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()
    return _PUNCT_END.sub("", t)


def _bench_files() -> list[Path]:
    return sorted(BENCH_DATA.glob("*.jsonl")) if BENCH_DATA.is_dir() else []


def benchmark_keys() -> set[str]:
    """The :func:`key` of every question (``query``) of the benchmarks' files: never trained
    on, whatever its split."""
    import json

    out: set[str] = set()
    for path in _bench_files():
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if isinstance(row, dict) and isinstance(row.get("query"), str):
                out.add(key(row["query"]))
    return out


def bench_lines(lines: Sequence[str]) -> set[str]:
    """Every songys line the benchmarks score (tune and hold-out alike): never trained on."""
    first = random.Random(BENCH_SEED).sample(list(lines), min(BENCH_LINES, len(lines)))
    rest = sorted(set(lines) - set(first[:300]))
    fresh = random.Random(FRESH_SEED).sample(rest, min(FRESH_LINES, len(rest)))
    return set(first) | set(fresh)


def training_pool(lines: Sequence[str], exclude: Iterable[str] = ()) -> list[str]:
    """The songys lines free to train on: each distinct line once, none the benchmarks use
    (nor one equal to such a line but for case, spaces and end punctuation, nor one whose
    :func:`key` is in ``exclude``)."""
    reserved = {key(t) for t in bench_lines(lines)} | set(exclude)
    return [t for t in dict.fromkeys(lines) if key(t) not in reserved]


def written_lines() -> list[str]:
    return [s.strip() for s in WRITTEN_FILE.read_text(encoding="utf-8").splitlines()
            if s.strip() and not s.startswith("#")]


def service_questions(data_dir: Path) -> list[str]:
    """The seed FAQ's titles and the editors' Korean question variants: questions about city
    services."""
    from dasan.knowledge.editor_variants import SEED_VARIANTS_DIR, by_entry, read_dir
    from dasan.knowledge.faq_source import SEED_FILES, load_civilappeal

    out: list[str] = []
    for rel, source in SEED_FILES:
        if (data_dir / rel).is_file():
            out += [r.title for r in load_civilappeal(data_dir / rel, source=source)]
    for variants in by_entry(read_dir(SEED_VARIANTS_DIR, ["ko"])).values():
        out += list(variants)
    return list(dict.fromkeys(s.strip() for s in out if s.strip()))


def _matrix(texts: Sequence[str], vocab: dict[str, int]) -> object:
    from scipy.sparse import csr_matrix

    rows, cols, vals = [], [], []
    for r, t in enumerate(texts):
        feats = features(t)
        f = [vocab[x] for x in feats if x in vocab]
        w = 1.0 / math.sqrt(len(feats) or 1)
        rows += [r] * len(f)
        cols += f
        vals += [w] * len(f)
    return csr_matrix((vals, (rows, cols)), shape=(len(texts), len(vocab)))


def _fit(texts: Sequence[str], y: Sequence[int]) -> tuple[dict[str, float], float]:
    from sklearn.linear_model import LogisticRegression

    vocab: dict[str, int] = {}
    for t in texts:
        for x in sorted(features(t)):
            vocab.setdefault(x, len(vocab))
    lr = LogisticRegression(C=C_REG, max_iter=2000, class_weight="balanced")
    lr.fit(_matrix(texts, vocab), list(y))
    coef = lr.coef_[0]
    weights = {x: round(float(coef[i]), 4) for x, i in vocab.items() if abs(coef[i]) >= 1e-4}
    return weights, float(lr.intercept_[0])


def out_of_fold(texts: Sequence[str], y: Sequence[int], folds: int = 5,
                seed: int = 0) -> list[float]:
    """Each line's score by the model fitted on the other folds."""
    order = list(range(len(texts)))
    random.Random(seed).shuffle(order)
    scores = [0.0] * len(texts)
    for k in range(folds):
        held = set(order[k::folds])
        tr = [i for i in range(len(texts)) if i not in held]
        w, b = _fit([texts[i] for i in tr], [y[i] for i in tr])
        m = SmallTalkModel(w, b, 0.5)
        for i in held:
            scores[i] = m.score(texts[i])
    return scores


def threshold_for(scores: Sequence[float], y: Sequence[int],
                  false_alarm: float = FALSE_ALARM) -> float:
    """The lowest threshold flagging at most ``false_alarm`` of the service questions."""
    neg = sorted((s for s, t in zip(scores, y, strict=True) if not t), reverse=True)
    k = int(false_alarm * len(neg))
    return round(min(max(neg[k] + 1e-6, 0.5), 0.999), 4) if neg else 0.5


def train(smalltalk: Sequence[str], service: Sequence[str]) -> SmallTalkModel:
    """Fit on ``smalltalk`` (1) against ``service`` (0); threshold out of fold."""
    texts = [*smalltalk, *service]
    y = [1] * len(smalltalk) + [0] * len(service)
    th = threshold_for(out_of_fold(texts, y), y)
    w, b = _fit(texts, y)
    return SmallTalkModel(w, b, th, {"smalltalk": len(smalltalk), "service": len(service)})


def _cache_path(songys: Path) -> Path:
    h = hashlib.sha1(songys.read_bytes())
    h.update(WRITTEN_FILE.read_bytes())
    h.update(Path(__file__).read_bytes())
    for path in _bench_files():  # a benchmark file added or changed: its lines are left out
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return CACHE_DIR / f"smalltalk-v{MODEL_VERSION}-{h.hexdigest()[:12]}.pkl"


def training_lines(data_dir: Path) -> tuple[list[str], list[str]]:
    """(small talk, service questions) the shared-data model trains on: no benchmark line."""
    exclude = benchmark_keys()
    talk = [*training_pool(load_songys(data_dir / SONGYS_FILE), exclude),
            *(t for t in written_lines() if key(t) not in exclude)]
    service = [t for t in service_questions(data_dir) if key(t) not in exclude]
    return talk, service


def train_from_shared(data_dir: Path | None = None) -> SmallTalkModel | None:
    """The model kept under var/models, trained first when absent; None without the data."""
    data_dir = data_dir or get_settings().shared_data
    songys = data_dir / SONGYS_FILE
    if not songys.is_file():
        return None

    def fit() -> SmallTalkModel:
        return train(*training_lines(data_dir))

    return kept_or_trained(_cache_path(songys), SmallTalkModel, fit, "small-talk model",
                           f"smalltalk-v{MODEL_VERSION}-*.pkl")


_model: SmallTalkModel | None = None
_loaded = False
_lock = threading.Lock()


def recogniser_disabled() -> bool:
    """True when the recogniser is switched off (DASAN_SMALLTALK_RECOGNISER=off)."""
    return get_settings().smalltalk_recogniser.lower() in ("off", "0", "false", "no")


def get_model() -> SmallTalkModel | None:
    """The process-wide recogniser; None when switched off or without the data (the bot then
    decides chit-chat by its answer policy alone, as before)."""
    global _model, _loaded
    if recogniser_disabled():
        return None
    if not _loaded:
        with _lock:
            if not _loaded:
                try:
                    _model = train_from_shared()
                except Exception:
                    log.exception("small-talk recogniser unavailable")
                    _model = None
                _loaded = True
    return _model


def set_model(model: SmallTalkModel | None) -> None:
    """Replace the process-wide recogniser (tests, benchmarks)."""
    global _model, _loaded
    with _lock:
        _model, _loaded = model, True


@contextlib.contextmanager
def using(model: SmallTalkModel | None) -> Iterator[SmallTalkModel | None]:
    """The process-wide recogniser is ``model`` inside the block, and what it was (loaded or
    not yet) after it (tests)."""
    global _model, _loaded
    with _lock:
        saved = (_model, _loaded)
        _model, _loaded = model, True
    try:
        yield model
    finally:
        with _lock:
            _model, _loaded = saved


def is_smalltalk(text: str) -> bool:
    """Is ``text`` small talk (the process-wide recogniser; False without one)?"""
    model = get_model()
    return model is not None and model(text)
