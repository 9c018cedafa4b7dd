#!/usr/bin/env python3
"""Local check (not run by CI): random-weight torchvision/timm models, exported with both torch exporters,
run by onnxruntime and by ConvLens at batch 1 and 16; prints the relative L2 error of the logits per model.

    swift build -c release --product convlens
    python3 Scripts/check_model_zoo.py [--out /tmp/convlens-zoo] [--set cnn|transformer|all|extra]
                                       [--models resnet18,vit_tiny_patch16_224] [--exporters torchscript,dynamo]
                                       [--reuse] [--json results.json]

Needs: pip install torch torchvision timm onnx onnxruntime onnxscript numpy (torch >= 2.9; if it no longer
offers dynamo=False, torch 2.13 from PyPI does). Nothing it writes is committed (the exports are large).

Per model: seeded random weights (torch.manual_seed(0), then every BatchNorm/LayerNorm/GroupNorm affine
parameter, BatchNorm running statistic and constant-initialised parameter such as layer scales redrawn,
so that every branch contributes to the logits), exported at batch 1 as users do:
  - torchscript: torch.onnx.export(dynamo=False, opset_version=17), one file;
  - dynamo: torch.onnx.export(dynamo=True) (torch's default opset, 18+), weights in NAME.onnx.data.
onnxruntime (graph optimisations off) runs the 16 items of one seeded N(0, 1) input one at a time (the
exports have a static batch of 1); ConvLens runs `convlens predict INPUT.npy --json --logits` with
--batch 1 and --batch 16. relL2 = ||ours - ort|| / ||ort|| over all 16 × classes logits; a model passes
when both batches are <= 1e-3. A failure prints ConvLens's one-line error. With --gradients, the saliency
map (|∂logit/∂x| max over channels, top class, first item) from `convlens explain saliency --raw` is also
compared with torch autograd on the model itself (relL2 <= 1e-2), which checks the backward pass end to end.
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import time
import traceback
import warnings

import numpy as np

TOLERANCE = 1e-3
# Looser than the logits': ReLU CNNs here differ from torch by up to ~5e-3 in the gradient (the engine's
# own saliency tests ask Pearson r >= 0.999 of them); transformers agree to ~1e-6.
GRADIENT_TOLERANCE = 1e-2
BATCH = 16

# (source, name): torchvision models are built with weights=None, timm ones with pretrained=False.
CNNS = [
    ("torchvision", "resnet18"), ("torchvision", "resnet50"), ("torchvision", "vgg11"),
    ("torchvision", "densenet121"), ("torchvision", "mobilenet_v2"), ("torchvision", "mobilenet_v3_small"),
    ("torchvision", "mobilenet_v3_large"), ("torchvision", "efficientnet_b0"), ("torchvision", "regnet_y_400mf"),
    ("torchvision", "shufflenet_v2_x1_0"), ("torchvision", "squeezenet1_1"), ("torchvision", "googlenet"),
    ("torchvision", "inception_v3"), ("torchvision", "mnasnet1_0"), ("torchvision", "convnext_tiny"),
    ("timm", "ghostnet_100"), ("timm", "mobilevit_xxs"), ("timm", "hrnet_w18_small"),
    ("timm", "tf_efficientnet_b0"), ("timm", "levit_128s"), ("timm", "rexnet_100"),
    ("timm", "resnest14d"), ("timm", "mixnet_s"), ("timm", "dla34"),
]
TRANSFORMERS = [
    ("timm", "vit_tiny_patch16_224"), ("timm", "vit_small_patch16_224"), ("timm", "deit_tiny_patch16_224"),
    ("timm", "deit_tiny_distilled_patch16_224"), ("timm", "swin_tiny_patch4_window7_224"), ("torchvision", "swin_t"),
    ("timm", "convnext_atto"), ("timm", "convnextv2_atto"), ("timm", "poolformerv2_s12"),
    ("timm", "efficientformerv2_s0"), ("timm", "efficientvit_b0"), ("timm", "efficientvit_m0"),
    ("timm", "mobilevitv2_050"), ("timm", "fastvit_t8"), ("timm", "maxvit_tiny_tf_224"),
    ("timm", "coatnet_nano_rw_224"),
    # two newer CNNs
    ("timm", "mobilenetv4_conv_small"), ("timm", "repvit_m0_9"),
]
# More architectures seen in the wild, for breadth (not counted in the two targets).
EXTRA = [
    ("torchvision", "alexnet"), ("timm", "efficientnet_b0"), ("timm", "ghostnetv2_100"), ("timm", "pvt_v2_b0"),
    ("timm", "tiny_vit_5m_224"), ("timm", "edgenext_xx_small"), ("timm", "cait_xxs24_224"),
    ("timm", "maxvit_nano_rw_256"), ("timm", "mobileone_s0"), ("timm", "deit3_small_patch16_224"),
    ("timm", "inception_next_tiny"), ("timm", "regnetz_b16"), ("torchvision", "vit_b_16"),
    ("torchvision", "efficientnet_v2_s"), ("timm", "convmixer_768_32"), ("timm", "xcit_nano_12_p16_224"),
    ("timm", "efficientformer_l1"), ("timm", "davit_tiny"), ("timm", "focalnet_tiny_srf"), ("timm", "gcvit_xxtiny"),
    ("timm", "twins_svt_small"), ("timm", "pit_ti_224"), ("timm", "mvitv2_tiny"), ("timm", "hgnetv2_b0"),
    ("timm", "starnet_s1"), ("timm", "eva02_tiny_patch14_224"), ("timm", "ecaresnet50d"), ("timm", "skresnet18"),
    ("timm", "resnetv2_50"), ("timm", "nf_resnet26"), ("timm", "ese_vovnet19b_dw"), ("timm", "convformer_s18"),
    ("timm", "caformer_s18"), ("timm", "coat_lite_tiny"), ("timm", "visformer_tiny"), ("timm", "sequencer2d_s"),
    ("timm", "lcnet_050"), ("timm", "cspresnet50"),
]


def build(source, name):
    import torch
    torch.manual_seed(0)
    if source == "torchvision":
        import torchvision
        kwargs = {}
        if name in ("googlenet", "inception_v3"):
            kwargs = {"aux_logits": False, "init_weights": True}
        model = getattr(torchvision.models, name)(weights=None, **kwargs)
        size = 299 if name == "inception_v3" else 224
    else:
        import timm
        model = timm.create_model(name, pretrained=False)
        size = model.pretrained_cfg.get("input_size", (3, 224, 224))[-1]
    randomise_constants(model)
    return model.eval(), size


def randomise_constants(model):
    """Redraws what default initialisation leaves constant (norm affines, running stats, layer scales,
    zero biases), seeded, so no branch of the network is silenced by a zero or 1e-6 factor."""
    import torch
    generator = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.modules.batchnorm._BatchNorm) and module.running_mean is not None:
                module.running_mean.copy_(torch.randn(module.running_mean.shape, generator=generator) * 0.1)
                module.running_var.copy_(torch.rand(module.running_var.shape, generator=generator) + 0.5)
        for _, tensor in list(model.named_parameters()) + list(model.named_buffers()):
            if not tensor.is_floating_point() or tensor.numel() < 2 or tensor.ndim > 2:
                continue
            flat = tensor.reshape(-1)
            if not bool((flat == flat[0]).all()):
                continue
            value = float(flat[0])
            if value == 0:
                tensor.copy_(torch.randn(tensor.shape, generator=generator) * 0.05)
            else:
                scale = abs(value) if abs(value) >= 1e-2 else 1.0
                tensor.copy_(torch.sign(torch.tensor(value)) * scale * (torch.rand(tensor.shape, generator=generator) + 0.5))


def export(model, size, path, exporter):
    import torch
    x = torch.randn(1, 3, size, size, generator=torch.Generator().manual_seed(2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if exporter in ("torchscript", "torchscript-dynamic"):
            dynamic = {"input": {0: "batch"}, "logits": {0: "batch"}} if exporter == "torchscript-dynamic" else None
            torch.onnx.export(model, (x,), str(path), input_names=["input"], output_names=["logits"], dynamo=False,
                              opset_version=17, dynamic_axes=dynamic)
        else:
            torch.onnx.export(model, (x,), str(path), input_names=["input"], output_names=["logits"], dynamo=True,
                              external_data=True)


def onnxruntime_logits(path, x):
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    options.intra_op_num_threads = 1
    options.log_severity_level = 3
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return np.concatenate([session.run(None, {name: x[i:i + 1]})[0] for i in range(len(x))]).reshape(len(x), -1)


def convlens_logits(convlens, path, npy, batch):
    run = subprocess.run([convlens, "predict", "--model", str(path), str(npy), "--json", "--logits", "--top", "1",
                          "--batch", str(batch), "--preset", "none"], capture_output=True, text=True)
    if run.returncode != 0:
        return None, (run.stderr.strip().splitlines() or [f"exit {run.returncode}"])[-1]
    return np.array([r["logits"] for r in json.loads(run.stdout)], dtype=np.float64), None


def relative_l2(ours, reference):
    return float(np.linalg.norm(ours - reference) / max(np.linalg.norm(reference), 1e-30))


def check(source, name, exporter, args, folder):
    row = {"model": name, "source": source, "exporter": exporter}
    path = folder / f"{name}-{exporter}.onnx"
    ref_path = folder / f"{name}-{exporter}.ort.npy"
    try:
        model, size = build(source, name)
        npy = folder / f"input-{size}.npy"
        if not npy.exists():
            np.save(npy, np.random.default_rng(3).standard_normal((BATCH, 3, size, size)).astype(np.float32))
        x = np.load(npy)
        if not (args.reuse and path.exists()):
            start = time.time()
            export(model, size, path, exporter)
            row["export_s"] = round(time.time() - start, 1)
        if args.reuse and ref_path.exists():
            reference = np.load(ref_path)
        else:
            reference = onnxruntime_logits(path, x).astype(np.float64)
            np.save(ref_path, reference)
    except Exception as error:  # an export or onnxruntime failure is reported, not fatal
        row["error"] = f"export/onnxruntime: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"[:300]
        if args.verbose:
            traceback.print_exc()
        return row
    if args.export_only:
        return row
    for batch in (1, BATCH):
        start = time.time()
        ours, error = convlens_logits(args.convlens, path, npy, batch)
        row[f"s{batch}"] = round(time.time() - start, 1)
        if error:
            row["error"] = error[:400]
            break
        if ours.shape != reference.shape:
            row["error"] = f"logits shape {list(ours.shape)}, onnxruntime {list(reference.shape)}"
            break
        row[f"relL2_b{batch}"] = relative_l2(ours, reference)
    row["ok"] = "error" not in row and all(row[f"relL2_b{b}"] <= TOLERANCE for b in (1, BATCH))
    if args.gradients and row["ok"]:
        row["saliency_relL2"], error = saliency_check(model, x[0], path, args, folder)
        if error:
            row["ok"], row["error"] = False, f"saliency: {error}"[:400]
        elif row["saliency_relL2"] > GRADIENT_TOLERANCE:
            row["ok"] = False
    return row


def saliency_check(model, image, path, args, folder):
    """Saliency |∂y_c/∂x| for the top class of one image: torch autograd on the model itself against
    `convlens explain saliency --raw`; returns (relative L2, error)."""
    import torch
    x = torch.from_numpy(image[None]).requires_grad_(True)
    logits = model(x)
    target = int(logits[0].argmax())
    logits[0, target].backward()
    gradient = x.grad[0].abs().numpy().astype(np.float64)  # |∂y_c/∂x| [3, H, W]
    npy, raw = folder / "saliency-input.npy", folder / f"{path.stem}.saliency.npy"
    np.save(npy, image)
    run = subprocess.run([args.convlens, "explain", "saliency", "--model", str(path), "--image", str(npy), "--target",
                          str(target), "--raw", str(raw), "--out", str(folder / "saliency.png"), "--preset", "none"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        return None, (run.stderr.strip().splitlines() or [f"exit {run.returncode}"])[-1]
    ours = np.load(raw).astype(np.float64)
    # --raw holds |∂y/∂x| per channel, or the map reduced by its max over channels.
    reference = gradient if ours.size == gradient.size else gradient.max(axis=0)
    return relative_l2(ours.reshape(reference.shape), reference), None


def main():
    root = pathlib.Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="/tmp/convlens-zoo")
    parser.add_argument("--set", default="all", choices=["cnn", "transformer", "all", "extra"])
    parser.add_argument("--models", help="comma-separated names (from any list)")
    parser.add_argument("--exporters", default="torchscript,dynamo",
                        help="torchscript, dynamo, torchscript-dynamic (TorchScript with a symbolic batch, dynamic_axes)")
    parser.add_argument("--convlens", default=str(root / ".build/release/convlens"))
    parser.add_argument("--reuse", action="store_true", help="reuse exports and onnxruntime outputs in --out")
    parser.add_argument("--json", help="also write the rows to this file")
    parser.add_argument("--export-only", action="store_true", help="export and run onnxruntime only")
    parser.add_argument("--gradients", action="store_true",
                        help="also compare ConvLens's saliency (backward pass) with torch autograd on the model")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    import torch
    torch.set_num_threads(1)
    folder = pathlib.Path(args.out)
    folder.mkdir(parents=True, exist_ok=True)
    sets = {"cnn": [("cnn", m) for m in CNNS], "transformer": [("transformer", m) for m in TRANSFORMERS],
            "extra": [("extra", m) for m in EXTRA]}
    chosen = sets["cnn"] + sets["transformer"] if args.set == "all" else sets[args.set]
    if args.models:
        wanted = args.models.split(",")
        everything = sets["cnn"] + sets["transformer"] + sets["extra"]
        chosen = [entry for entry in everything if entry[1][1] in wanted]
    rows = []
    for group, (source, name) in chosen:
        for exporter in args.exporters.split(","):
            row = check(source, name, exporter, args, folder)
            row["set"] = group
            rows.append(row)
            if args.export_only:
                print(f"exported {name} {exporter} {row.get('error', '')}", flush=True)
                continue
            l2 = "  ".join(f"b{b} {row[f'relL2_b{b}']:.2e}" for b in (1, BATCH) if f"relL2_b{b}" in row)
            if row.get("saliency_relL2") is not None:
                l2 += f"  saliency {row['saliency_relL2']:.2e}"
            status = "ok  " if row.get("ok") else "FAIL"
            print(f"{status} {group:11s} {name:34s} {exporter:11s} {l2}  {row.get('error', '')}", flush=True)
    print()
    for group in ("cnn", "transformer", "extra"):
        for exporter in args.exporters.split(","):
            subset = [r for r in rows if r["set"] == group and r["exporter"] == exporter]
            if subset:
                print(f"{group:11s} {exporter:11s} {sum(bool(r.get('ok')) for r in subset)}/{len(subset)} match")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0 if all(r.get("ok") for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
