#!/usr/bin/env python3
"""Writes the per-op ONNX fixtures of Tests/ONNXImportTests/Fixtures/ops/ and their onnxruntime outputs.

For every case: CASE.onnx (one graph input `x`, float32), CASE.input.npy, CASE.output.npy (first graph
output), CASE.output1.npy ... (further outputs), and one line in cases.json (name, op, opset, tolerance,
description). onnxruntime runs each saved file with all graph optimisations off, so every op is computed
by its own kernel; those outputs are the independent reference the Swift engine is compared with.

Synthetic and seeded: each case draws from numpy's default_rng(crc32(case name)), so adding a case never
changes another. CI never runs this; its outputs are committed. Regenerate with:
    python3 Scripts/make_op_fixtures.py            (needs: pip install onnx onnxruntime numpy)
The cases live in Scripts/op_fixture_cases.py and op_fixture_cases_transformers.py (single ops) and
Scripts/op_fixture_networks.py and op_fixture_networks_transformers.py (networks; the latter traced at batch 1 and
run at batch 3, onnxruntime one item at a time).
"""
import json
import pathlib
import sys
import zlib

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, external_data_helper, helper, numpy_helper

OPS_DIR = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "ONNXImportTests" / "Fixtures" / "ops"
DEFAULT_TOLERANCE = 1e-4
MAX_FILE_BYTES = 64 * 1024


class GraphBuilder:
    """Collects nodes and initializers of one case; names are short and unique (t0, t1, ... / w0, w1, ...)."""

    def __init__(self, rng):
        self.rng = rng
        self.nodes, self.initializers = [], []
        self._counter = 0

    def _fresh(self, prefix):
        self._counter += 1
        return f"{prefix}{self._counter}"

    def const(self, values, dtype=np.float32, name=None):
        """An initializer holding `values` (float32 by default; np.int64 for shapes, axes, pads)."""
        name = name or self._fresh("w")
        self.initializers.append(numpy_helper.from_array(np.asarray(values, dtype=dtype), name))
        return name

    def weight(self, shape, scale=None, low=None, high=None, name=None):
        """Random float32 initializer: normal(0, scale) with scale 1/sqrt(fan_in) by default, or uniform(low, high)."""
        if low is not None:
            values = self.rng.uniform(low, high, size=shape)
        else:
            fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 1
            values = self.rng.normal(0.0, scale if scale is not None else 1.0 / np.sqrt(fan_in), size=shape)
        return self.const(values, name=name)

    def op(self, op_type, inputs, outputs=1, name=None, **attributes):
        """Adds one node; `outputs` is a count (fresh names) or a list of names. Returns one name or a list."""
        names = [self._fresh("t") for _ in range(outputs)] if isinstance(outputs, int) else list(outputs)
        self.nodes.append(helper.make_node(op_type, list(inputs), names, name=name or self._fresh("n_" + op_type), **attributes))
        return names[0] if len(names) == 1 else names

    def constant_node(self, values, dtype=np.int64):
        """A Constant node (as torch's TorchScript exporter writes them) instead of an initializer."""
        tensor = numpy_helper.from_array(np.asarray(values, dtype=dtype), self._fresh("c"))
        return self.op("Constant", [], value=tensor)

    def batch_norm(self, x, channels, epsilon=1e-5):
        scale = self.weight([channels], low=0.5, high=1.5)
        bias = self.weight([channels], scale=0.1)
        mean = self.weight([channels], scale=0.1)
        var = self.weight([channels], low=0.5, high=1.5)
        return self.op("BatchNormalization", [x, scale, bias, mean, var], epsilon=epsilon)

    def conv(self, x, c_in, c_out, kernel, group=1, bias=True, **attributes):
        k = kernel if isinstance(kernel, list) else [kernel, kernel]
        inputs = [x, self.weight([c_out, c_in // group] + k)]
        if bias:
            inputs.append(self.weight([c_out], scale=0.1))
        return self.op("Conv", inputs, kernel_shape=k, group=group, **attributes)


class Case:
    def __init__(self, name, op, description, x_shape, build, opset=17, tolerance=DEFAULT_TOLERANCE,
                 x_scale=1.0, x_offset=0.0, seed_name=None, external_data=False, declare_output_shapes=True,
                 run_batch=None, dynamic_batch=False):
        self.name, self.op, self.description = name, op, description
        self.x_shape, self.build, self.opset, self.tolerance = list(x_shape), build, opset, tolerance
        self.x_scale, self.x_offset = x_scale, x_offset
        self.seed_name = seed_name or name          # two cases with one seed_name share weights and input
        self.external_data = external_data
        # False where onnx's shape inference disagrees with onnxruntime (ceil_mode windows starting in the
        # end padding): the output then gets symbolic dimensions, else check_model rejects it.
        self.declare_output_shapes = declare_output_shapes
        # run_batch: the model is built (and declares its input) at x_shape's batch of 1, as torch traces it, but the
        # fixture input has run_batch items; onnxruntime runs them one at a time, ConvLens all at once.
        self.run_batch = run_batch
        # dynamic_batch: the input's batch dimension is symbolic ("N"), as with torch's dynamic_axes.
        self.dynamic_batch = dynamic_batch


def ir_version_for(opset):
    # The IR version that shipped with each opset (onnx/helper.py VERSION_TABLE); a newer one than the
    # opset needs would make the file look newer than what torch writes for it.
    return 7 if opset <= 13 else 8 if opset <= 18 else 9 if opset <= 20 else 10


def build_model(case):
    rng = np.random.default_rng(zlib.crc32(case.seed_name.encode()))
    shape = [case.run_batch] + case.x_shape[1:] if case.run_batch else case.x_shape
    x = (rng.normal(0.0, 1.0, size=shape) * case.x_scale + case.x_offset).astype(np.float32)
    graph = GraphBuilder(rng)
    outputs = case.build(graph, "x")
    outputs = [outputs] if isinstance(outputs, str) else list(outputs)
    # Rename the final tensors to y, y1, y2 ... so the fixtures read well (a graph input can never be an output here).
    renames = {name: ("y" if i == 0 else f"y{i}") for i, name in enumerate(outputs)}
    for node in graph.nodes:
        node.output[:] = [renames.get(n, n) for n in node.output]
        node.input[:] = [renames.get(n, n) for n in node.input]
    out_names = [renames[n] for n in outputs]
    return x, graph, out_names


def run_onnxruntime(path, x, one_at_a_time=False):
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    options.log_severity_level = 3  # the *_ceil_drop_last cases warn that onnx shape inference expected 6x7
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    if one_at_a_time:
        items = [session.run(None, {"x": x[i:i + 1]}) for i in range(len(x))]
        return [np.concatenate([item[k] for item in items]) for k in range(len(items[0]))]
    return session.run(None, {"x": x})


def write_case(case):
    x, graph, out_names = build_model(case)
    shapeless = [helper.make_tensor_value_info(n, TensorProto.FLOAT, None) for n in out_names]

    declared = (["N"] + case.x_shape[1:]) if case.dynamic_batch else case.x_shape

    def make(outputs):
        g = helper.make_graph(graph.nodes, case.name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, declared)],
                              outputs, initializer=graph.initializers)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", case.opset)],
                              producer_name="ConvLens make_op_fixtures.py", ir_version=ir_version_for(case.opset))
        return m

    # First pass: run without output shapes, then write the final model with the shapes onnxruntime produced.
    probe = OPS_DIR / f"{case.name}.probe.onnx"
    onnx.save(make(shapeless), probe)
    first = run_onnxruntime(probe, x, one_at_a_time=bool(case.run_batch))
    probe.unlink()
    def declared_output(n, y):
        if not case.declare_output_shapes:
            return [f"{n}_d{i}" for i in range(y.ndim)]
        if case.run_batch or case.dynamic_batch:  # the batch of the outputs follows the input's
            return ["N" if case.dynamic_batch else 1] + list(y.shape[1:])
        return list(y.shape)
    model = make([helper.make_tensor_value_info(n, TensorProto.FLOAT, declared_output(n, y)) for n, y in zip(out_names, first)])
    onnx.checker.check_model(model, full_check=True)
    path = OPS_DIR / f"{case.name}.onnx"
    if case.external_data:
        # Every float tensor goes to CASE.onnx.data (size_threshold 0); int64 shape/axes constants stay inline,
        # as torch's dynamo exporter keeps them (onnxruntime's shape inference cannot read them externally).
        external_data_helper.convert_model_to_external_data(model, all_tensors_to_one_file=True,
                                                            location=f"{case.name}.onnx.data", size_threshold=0)
        for tensor in model.graph.initializer:
            if tensor.data_type == TensorProto.INT64:
                del tensor.external_data[:]
                tensor.data_location = TensorProto.DEFAULT
        onnx.save(model, path)
        # Path form, so the checker follows `location`; shape inference cannot read external tensors, hence no full_check.
        onnx.checker.check_model(str(path))
    else:
        onnx.save(model, path)
    outputs = run_onnxruntime(path, x, one_at_a_time=bool(case.run_batch))
    for y0, y in zip(first, outputs):
        if y.dtype != np.float32 or not np.array_equal(y0, y):
            raise SystemExit(f"{case.name}: onnxruntime output is {y.dtype} or differs between runs")
        if y.ndim == 0:
            raise SystemExit(f"{case.name}: 0-d output; keep fixtures at rank >= 1")
    np.save(OPS_DIR / f"{case.name}.input.npy", x)
    for i, y in enumerate(outputs):
        np.save(OPS_DIR / (f"{case.name}.output.npy" if i == 0 else f"{case.name}.output{i}.npy"), y)
    written = [p for p in OPS_DIR.glob(f"{case.name}.*") if p.name.split(".")[0] == case.name]
    too_big = [p.name for p in written if p.stat().st_size > MAX_FILE_BYTES]
    if too_big:
        raise SystemExit(f"{case.name}: files over {MAX_FILE_BYTES} bytes: {too_big}")
    return {
        "name": case.name, "op": case.op, "opset": case.opset, "tolerance": case.tolerance,
        "description": case.description, "inputShape": list(x.shape), "outputs": len(outputs),
        "outputShapes": [list(y.shape) for y in outputs],
        "maxAbsOutput": float(max(np.abs(y).max() for y in outputs)),
    }


def check_shared_seeds(cases):
    """Cases with one seed_name (the classifier written three ways) must give the same outputs."""
    groups = {}
    for case in cases:
        groups.setdefault(case.seed_name, []).append(case.name)
    for names in (n for n in groups.values() if len(n) > 1):
        reference = np.load(OPS_DIR / f"{names[0]}.output.npy")
        for other in names[1:]:
            diff = float(np.abs(np.load(OPS_DIR / f"{other}.output.npy") - reference).max())
            if diff > 1e-6:
                raise SystemExit(f"{other} differs from {names[0]} by {diff}; they should be one network")
            print(f"{other} == {names[0]} (max abs diff {diff:.2g})")


def main():
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
    from op_fixture_cases import all_cases
    from op_fixture_cases_transformers import all_transformer_cases
    cases = all_cases(Case) + all_transformer_cases(Case)
    names = [c.name for c in cases]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise SystemExit(f"duplicate case names: {sorted(duplicates)}")
    OPS_DIR.mkdir(parents=True, exist_ok=True)
    for stale in list(OPS_DIR.glob("*.onnx")) + list(OPS_DIR.glob("*.npy")) + list(OPS_DIR.glob("*.onnx.data")):
        stale.unlink()
    manifest = []
    for case in cases:
        entry = write_case(case)
        manifest.append(entry)
        print(f"{case.name:44s} opset {case.opset:2d}  outputs {entry['outputShapes']}  max|y| {entry['maxAbsOutput']:.3g}")
    info = {
        "generator": "Scripts/make_op_fixtures.py",
        "onnx": onnx.__version__, "onnxruntime": ort.__version__, "numpy": np.__version__,
        "defaultTolerance": DEFAULT_TOLERANCE,
        "cases": manifest,
    }
    check_shared_seeds(cases)
    # One case per line: readable in a diff, and small.
    header = json.dumps({k: v for k, v in info.items() if k != "cases"})[:-1]
    lines = ",\n  ".join(json.dumps(entry, separators=(",", ":")) for entry in manifest)
    (OPS_DIR / "cases.json").write_text(f'{header}, "cases": [\n  {lines}\n]}}\n')
    print(f"{len(manifest)} cases written to {OPS_DIR}")


if __name__ == "__main__":
    main()
