#!/usr/bin/env python3
"""Grad-CAM per image: ConvLens beside pytorch-grad-cam on the same torchvision ResNet-18, in one run.

    python3 Scripts/bench_gradcam.py --convlens .build/release/ConvLensBenchmark [--runs 20] [--rounds 3] [--threads 2]

- pytorch-grad-cam (pip install grad-cam): `GradCAM(model, [model.layer4[-1]])` on torchvision's resnet18
  (random weights, seed 0; timing does not depend on them), one 224x224 image, target = its top-1 class
  (`targets=None`), torch.set_num_threads(--threads). Each call runs a forward with hooks, a backward to the
  layer, the weighted sum, ReLU and the upsampling to the input size, as ConvLens's grad-cam does.
- ConvLens: the same architecture exported to ONNX (torch.onnx.export, TorchScript exporter, opset 17, into a
  temporary folder), timed by `ConvLensBenchmark --methods` (task "grad-cam": automatic layer = layer4's
  output, top-1 target, map upsampled to the input size).
Environment caps apply to both: ONEDNN_MAX_CPU_ISA caps oneDNN in ConvLens and in PyTorch;
ATEN_CPU_CAPABILITY=avx2 caps PyTorch's own kernels. Each figure is the lowest of --rounds medians.
Optional tooling: no test or CI step needs it.
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

import torch
import torchvision
from pytorch_grad_cam import GradCAM


def median_ms(function, runs, warmup=3):
    for _ in range(warmup):
        function()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--convlens", required=True, help="a release ConvLensBenchmark binary")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    arguments = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(arguments.threads)
    model = torchvision.models.resnet18().eval()
    image = torch.randn(1, 3, 224, 224)
    best = {"pytorch-grad-cam": float("inf"), "convlens": float("inf")}
    with tempfile.TemporaryDirectory() as folder:
        # Export before pytorch-grad-cam installs its hooks (they would be traced into the graph).
        onnx_path = os.path.join(folder, "resnet18.onnx")
        torch.onnx.export(model, image, onnx_path, opset_version=17, dynamo=False,
                          input_names=["input"], output_names=["logits"])
        cam = GradCAM(model=model, target_layers=[model.layer4[-1]])
        for _ in range(arguments.rounds):
            best["pytorch-grad-cam"] = min(best["pytorch-grad-cam"], median_ms(lambda: cam(input_tensor=image, targets=None), arguments.runs))
            json_path = os.path.join(folder, "convlens.json")
            environment = dict(os.environ, OMP_NUM_THREADS=str(arguments.threads))
            subprocess.run([arguments.convlens, "--methods", "--only", "grad-cam", "--runs", str(arguments.runs), "--json", json_path, onnx_path],
                           check=True, stdout=subprocess.DEVNULL, env=environment)
            with open(json_path) as file:
                rows = [row for row in json.load(file) if row["task"] == "grad-cam"]
            best["convlens"] = min(best["convlens"], rows[0]["medianMilliseconds"])
    caps = {key: os.environ[key] for key in ("ONEDNN_MAX_CPU_ISA", "ATEN_CPU_CAPABILITY") if key in os.environ}
    print(f"Grad-CAM, ResNet-18, 1 image 224x224, {arguments.threads} threads, lowest of {arguments.rounds} medians "
          f"of {arguments.runs} runs; caps: {caps or 'none'}")
    for name, milliseconds in best.items():
        print(f"{name:18s} {milliseconds:8.2f} ms")
    print(f"ConvLens / pytorch-grad-cam: {best['convlens'] / best['pytorch-grad-cam']:.2f}")


if __name__ == "__main__":
    main()
