#!/usr/bin/env python3
"""onnxruntime's own per-node profile of a model's forward (CPU EP, 2 threads), summed by op type and
listed per Conv: the other side of ConvLens's `ConvLensBenchmark --profile` / ONEDNN_VERBOSE=1.

    python3 Scripts/bench/ort_profile.py MODEL.onnx --batch 16 --runs 10
    Scripts/as_avx2_cpu.sh python3 Scripts/bench/ort_profile.py MODEL.onnx   # as on an AVX2 CPU
"""
import argparse, collections, json, os, sys, tempfile
import numpy as np
import onnx
import onnxruntime as ort

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from bench_reference import with_free_batch  # noqa: E402  (one rule for making the batch free)

parser = argparse.ArgumentParser()
parser.add_argument("model")
parser.add_argument("--batch", type=int, default=16)
parser.add_argument("--runs", type=int, default=10)
parser.add_argument("--threads", type=int, default=2)
args = parser.parse_args()

options = ort.SessionOptions()
options.intra_op_num_threads = args.threads
options.enable_profiling = True
options.profile_file_prefix = os.path.join(tempfile.mkdtemp(), "ort")
model = with_free_batch(onnx.load(args.model))   # loads external data from beside the file
session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
feed = session.get_inputs()[0]
shape = [args.batch if not isinstance(d, int) else d for d in feed.shape]
shape[0] = args.batch
x = np.random.default_rng(0).standard_normal(shape, dtype=np.float32)
for _ in range(3):
    session.run(None, {feed.name: x})
for _ in range(args.runs):
    session.run(None, {feed.name: x})
events = json.load(open(session.end_profiling()))
# The last `runs` runs' node events (the warm-up runs come first in the file).
nodes = [e for e in events if e.get("cat") == "Node" and e["name"].endswith("_kernel_time")]
per_run = len(nodes) // (args.runs + 3)
nodes = nodes[-per_run * args.runs:]
by_type, by_node = collections.defaultdict(float), collections.defaultdict(float)
for e in nodes:
    by_type[e["args"]["op_name"]] += e["dur"] / 1000 / args.runs
    by_node[(e["name"].removesuffix("_kernel_time"), e["args"]["op_name"])] += e["dur"] / 1000 / args.runs
print(f"{args.model}: batch {args.batch}, {args.threads} threads, mean of {args.runs} runs, ms per forward")
for op, ms in sorted(by_type.items(), key=lambda item: -item[1]):
    print(f"  {op:24s} {ms:9.2f}")
print("per Conv node:")
for (name, op), ms in by_node.items():
    if "Conv" in op:
        print(f"  {name:48s} {op:12s} {ms:8.2f}")
