#!/usr/bin/env python3
"""Times the reference runtimes on one ONNX file, to compare with ConvLensBenchmark on the same machine.

    python3 Scripts/bench_reference.py MODEL.onnx [--batch 1 16] [--threads 2] [--runs 20] [--json OUT.json]
                                      [--convlens .build/release/ConvLensBenchmark] [--rounds 5]

- onnxruntime (CPU, intra_op_num_threads = --threads, sequential execution, default graph optimisations):
  forward.
- PyTorch eager, only if `torch` and `onnx2torch` are importable (pip install torch onnx2torch): the same
  ONNX file converted by onnx2torch, torch.set_num_threads(--threads); forward under no_grad, and
  forward + backward to the input only (torch.autograd.grad, as captum does; seed: each image's top-1
  logit, as ConvLens's saliency does).

- ConvLens, with --convlens BIN (a release ConvLensBenchmark): run as a subprocess on the same file, so
  the table gives ConvLens / onnxruntime and ConvLens / PyTorch ratios measured in the same run.

Each figure is the median of --runs (>= 10) timed runs after --warmup untimed ones, in milliseconds, on a
random normal input of the model's declared input shape with dimension 0 set to the batch. With
--rounds K the runtimes take turns K times and each figure is the lowest of its K medians: on a shared
machine, other tenants only ever add time, so the least disturbed round is the fairest comparison.
Prints a table and then the same numbers as JSON. Optional tooling: no test or CI step needs it.
"""
import argparse
import json
import platform
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
import onnxruntime as ort


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="ONNX file (external data is read from beside it)")
    parser.add_argument("--batch", type=int, nargs="+", default=[1, 16], help="batch sizes (default: 1 16)")
    parser.add_argument("--threads", type=int, default=2, help="intra-op threads (default: 2)")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per figure, at least 10 (default: 20)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs first (default: 3)")
    parser.add_argument("--json", dest="json_path", help="also write the JSON to this file")
    parser.add_argument("--convlens", help="a release ConvLensBenchmark binary to time beside the reference runtimes")
    parser.add_argument("--rounds", type=int, default=1, help="take turns this many times, keep each figure's lowest median")
    arguments = parser.parse_args()
    if arguments.runs < 10:
        parser.error("--runs must be at least 10")
    if any(b < 1 for b in arguments.batch):
        parser.error("--batch sizes must be positive")
    if arguments.rounds < 1:
        parser.error("--rounds must be at least 1")
    return arguments


def with_free_batch(model):
    """The model with dimension 0 of its input and outputs symbolic, so onnxruntime accepts any batch
    (torch's TorchScript exports fix it at 1). Intermediate value_info is dropped for the same reason."""
    for value in list(model.graph.input) + list(model.graph.output):
        dims = value.type.tensor_type.shape.dim
        if dims:
            dims[0].ClearField("dim_value")
            dims[0].dim_param = "batch"
    del model.graph.value_info[:]
    return model


def input_shape(model, batch):
    initializers = {t.name for t in model.graph.initializer}
    graph_input = next(i for i in model.graph.input if i.name not in initializers)
    dims = graph_input.type.tensor_type.shape.dim
    shape = [d.dim_value if d.HasField("dim_value") else None for d in dims]
    if any(d is None for d in shape[1:]):
        raise SystemExit(f"{graph_input.name}: input dimensions {shape[1:]} after the batch are not all fixed")
    return graph_input.name, [batch] + shape[1:]


def median_ms(function, runs, warmup):
    for _ in range(warmup):
        function()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times), min(times)


def time_onnxruntime(model_bytes, input_name, x, arguments):
    options = ort.SessionOptions()
    options.intra_op_num_threads = arguments.threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3            # errors are reported in the notes, not as log spew
    session = ort.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])
    return median_ms(lambda: session.run(None, {input_name: x}), arguments.runs, arguments.warmup)


def load_torch_model(model):
    """onnx2torch's module for the model, or None (with the reason) when torch or onnx2torch is missing."""
    try:
        import torch
        from onnx2torch import convert
    except ImportError as error:
        return None, None, f"PyTorch skipped: {error.name} is not importable (pip install torch onnx2torch)"
    return torch, convert(model).eval(), None


def time_torch(torch, module, x, arguments):
    torch.set_num_threads(arguments.threads)
    tensor = torch.from_numpy(x)

    def forward():
        with torch.no_grad():
            module(tensor)

    def forward_backward():
        image = tensor.clone().requires_grad_(True)
        logits = module(image)                       # [N, classes]
        logits = logits.reshape(logits.shape[0], -1)
        top1 = logits.detach().argmax(dim=1)
        # Seed: one-hot at each image's top-1 logit, all images in one backward pass. Only the input's
        # gradient, as captum computes it (torch.autograd.grad with the input as the only target);
        # `.backward()` would also compute every weight's gradient, work ConvLens never does, and
        # made PyTorch look 1.4x slower here.
        return torch.autograd.grad(logits.gather(1, top1[:, None]).sum(), image)[0]

    return (median_ms(forward, arguments.runs, arguments.warmup),
            median_ms(forward_backward, arguments.runs, arguments.warmup))


def time_convlens(binary, model_path, batch, arguments):
    """ConvLensBenchmark's forward and forward+backward medians for one batch size, from its JSON."""
    with tempfile.TemporaryDirectory() as folder:
        json_path = os.path.join(folder, "convlens.json")
        environment = dict(os.environ, OMP_NUM_THREADS=str(arguments.threads))
        subprocess.run([binary, "--runs", str(arguments.runs), "--batch", str(batch), "--json", json_path, model_path],
                       check=True, stdout=subprocess.DEVNULL, env=environment)
        with open(json_path) as file:
            measured = json.load(file)
    passes = {"forward": "forward", "forward+backward": "forward+backward-to-input"}
    return [{"runtime": "convlens", "pass": passes[m["task"]], "batch": batch,
             "median_ms": m["medianMilliseconds"], "min_ms": m["minMilliseconds"]} for m in measured if m["task"] in passes]


def keep_lowest(best, row):
    key = (row["runtime"], row["pass"], row["batch"])
    if key not in best or row["median_ms"] < best[key]["median_ms"]:
        best[key] = row


def main():
    arguments = parse_arguments()
    model = with_free_batch(onnx.load(arguments.model))   # loads external data from beside the file
    model_bytes = model.SerializeToString()
    torch, module, torch_note = load_torch_model(model)
    best, notes = {}, [torch_note] if torch_note else []
    rng = np.random.default_rng(0)
    for batch in arguments.batch:
        input_name, shape = input_shape(model, batch)
        x = rng.normal(0.0, 1.0, size=shape).astype(np.float32)
        for _ in range(arguments.rounds):
            try:
                median, fastest = time_onnxruntime(model_bytes, input_name, x, arguments)
                keep_lowest(best, {"runtime": "onnxruntime", "pass": "forward", "batch": batch, "median_ms": median, "min_ms": fastest})
            except Exception as error:  # e.g. a Reshape to a constant batch of 1 (dynamo export)
                notes.append(f"onnxruntime batch {batch}: failed ({str(error).splitlines()[0]})")
                break
            if module is not None:
                (median, fastest), (median_fb, fastest_fb) = time_torch(torch, module, x, arguments)
                keep_lowest(best, {"runtime": "pytorch-eager", "pass": "forward", "batch": batch, "median_ms": median, "min_ms": fastest})
                keep_lowest(best, {"runtime": "pytorch-eager", "pass": "forward+backward-to-input", "batch": batch,
                                   "median_ms": median_fb, "min_ms": fastest_fb})
            if arguments.convlens:
                for row in time_convlens(arguments.convlens, arguments.model, batch, arguments):
                    keep_lowest(best, row)
    rows = list(best.values())
    for row in rows:
        row["ms_per_image"] = row["median_ms"] / row["batch"]
        reference = best.get(("onnxruntime", "forward", row["batch"]))
        row["ratio_to_onnxruntime_forward"] = row["median_ms"] / reference["median_ms"] if reference else None
        torch_row = best.get(("pytorch-eager", row["pass"], row["batch"]))
        row["ratio_to_pytorch_same_pass"] = row["median_ms"] / torch_row["median_ms"] if torch_row else None

    rounds = f", lowest of {arguments.rounds} rounds" if arguments.rounds > 1 else ""
    print(f"{arguments.model}: {arguments.threads} threads, median of {arguments.runs} runs after {arguments.warmup} warm-up{rounds}")
    print(f"{'runtime':15s} {'pass':26s} {'batch':>5s} {'median ms':>10s} {'min ms':>8s} {'ms/image':>9s} {'x ORT fwd':>9s} {'x PyTorch':>9s}")
    for r in sorted(rows, key=lambda r: (r["batch"], r["pass"], r["runtime"])):
        ratio = f"{r['ratio_to_onnxruntime_forward']:.2f}" if r["ratio_to_onnxruntime_forward"] else "-"
        torch_ratio = f"{r['ratio_to_pytorch_same_pass']:.2f}" if r["ratio_to_pytorch_same_pass"] else "-"
        print(f"{r['runtime']:15s} {r['pass']:26s} {r['batch']:5d} {r['median_ms']:10.2f} {r['min_ms']:8.2f} "
              f"{r['ms_per_image']:9.2f} {ratio:>9s} {torch_ratio:>9s}")
    for note in notes:
        print(note)
    report = {
        "model": arguments.model, "threads": arguments.threads, "runs": arguments.runs, "warmup": arguments.warmup,
        "rounds": arguments.rounds,
        "machine": {"platform": platform.platform(), "processor": platform.processor() or platform.machine()},
        "versions": {"onnxruntime": ort.__version__, "onnx": onnx.__version__,
                     "torch": getattr(torch, "__version__", None)},
        "results": rows, "notes": notes,
    }
    text = json.dumps(report, indent=1)
    print(text)
    if arguments.json_path:
        with open(arguments.json_path, "w") as file:
            file.write(text + "\n")


if __name__ == "__main__":
    sys.exit(main())
