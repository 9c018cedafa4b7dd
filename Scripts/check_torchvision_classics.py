"""Local check (not run by CI): export random-weight torchvision classics with both torch exporters
and compare ConvLens's logits with onnxruntime's on the same input. Nothing it writes is committed.

    python3 Scripts/check_torchvision_classics.py [--out /tmp/classics] [--models resnet18,vgg11,...]
Needs: torch, torchvision, onnx, onnxscript, onnxruntime, numpy; and `swift build -c release`.
"""
import argparse
import json
import pathlib
import subprocess
import sys
import time

import numpy as np
import onnxruntime as ort
import torch
import torchvision

MODELS = ["alexnet", "vgg11", "resnet18", "resnet50", "squeezenet1_0", "densenet121", "googlenet",
          "mobilenet_v2", "mobilenet_v3_large", "shufflenet_v2_x1_0", "mnasnet1_0", "regnet_y_400mf",
          "efficientnet_b0"]


def export(name: str, folder: pathlib.Path, dynamo: bool) -> pathlib.Path:
    torch.manual_seed(0)
    kwargs = {"aux_logits": False, "init_weights": True} if name == "googlenet" else {}
    model = getattr(torchvision.models, name)(weights=None, **kwargs).eval()
    path = folder / f"{name}-{'dynamo' if dynamo else 'torchscript'}.onnx"
    x = torch.randn(1, 3, 224, 224)
    if dynamo:
        torch.onnx.export(model, (x,), str(path), input_names=["input"], output_names=["logits"], dynamo=True,
                          external_data=True)
    else:
        torch.onnx.export(model, (x,), str(path), input_names=["input"], output_names=["logits"], dynamo=False,
                          opset_version=17)
    return path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="/tmp/convlens-classics")
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--convlens", default=str(pathlib.Path(__file__).resolve().parent.parent / ".build/release/convlens"))
    args = parser.parse_args()
    folder = pathlib.Path(args.out)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 224, 224)).astype(np.float32)
    np.save(folder / "input.npy", x)
    results = []
    for name in args.models.split(","):
        for dynamo in (False, True):
            row = {"model": name, "exporter": "dynamo" if dynamo else "torchscript"}
            try:
                path = export(name, folder, dynamo)
                session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
                expected = np.concatenate([session.run(None, {session.get_inputs()[0].name: x[i:i + 1]})[0] for i in range(2)])
                start = time.time()
                run = subprocess.run([args.convlens, "predict", "--model", str(path), str(folder / "input.npy"),
                                      "--json", "--logits", "--top", "1"], capture_output=True, text=True)
                row["seconds"] = round(time.time() - start, 2)
                if run.returncode != 0:
                    row["error"] = run.stderr.strip()
                else:
                    ours = np.array([r["logits"] for r in json.loads(run.stdout)])
                    row["max_abs"] = float(np.abs(ours - expected).max())
                    row["ok"] = row["max_abs"] < 1e-3
            except Exception as error:  # export problems are reported, not fatal
                row["error"] = f"{type(error).__name__}: {error}"[:300]
            results.append(row)
            print(json.dumps(row), flush=True)
    failed = [r for r in results if not r.get("ok")]
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
