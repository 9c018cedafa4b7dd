#!/usr/bin/env python3
"""Writes Tests/MethodsTests/Fixtures/SqueezeNet/: the bundled pretrained SqueezeNet 1.1
(Models/squeezenet1.1.onnx) on Reports/images/chelsea.png, with the maps outside libraries compute, so CI
checks ConvLens's deconvnet (max-pooling switches), guided backprop, gradient and Grad-CAM on a trained
network with max pooling.

The PyTorch network is torchvision's squeezenet1_1 with the ONNX file's own initializers (same names, same
float32 values), every ReLU made out of place (captum hooks ReLU modules; the forward pass is unchanged); the
script checks that it reproduces onnxruntime's logits. Files (float32, little-endian, C order; `.npy`):
- `input.npy` [1, 3, 224, 224]: chelsea.png through ConvLens's `imagenet` preset, exactly as
  Sources/Imaging/Preprocess.swift computes it: PIL bicubic resize of the shorter side to 256 (long side
  int(256 * long / short)), centre crop 224 (torchvision's offsets), then per channel
  (Float(pixel) * Float(1/255) - mean) / std in float32, mean 0.485/0.456/0.406, std 0.229/0.224/0.225.
- `logits.npy` [1, 1000]: onnxruntime's logits for input.npy (CPU execution provider).
- target = the top-1 class of those logits (cases.json has it).
- `deconvnet.npy`, `guided-backprop.npy` [3, 224, 224]: captum's Deconvolution / GuidedBackprop of
  logit[target] w.r.t. the input. captum rewrites the backward pass of nn.ReLU modules only (here all 26
  activations, conv10's final ReLU included); max pooling and everything else keep PyTorch's gradient, so
  each max-pooling window passes the gradient to the element PyTorch's max_pool2d picked (the first maximum
  in row-major window order when several elements tie). Checked against autograd with the rules of
  Scripts/reference_fixture_networks.py (deconvnet R 1[R > 0], guided R 1[f > 0] 1[R > 0]).
  Ties matter for the deconvnet: after the ReLUs many 3x3 windows are all zero, and the deconvnet rule
  ignores the forward mask, so the gradient sent to a zero element goes on down. The script measures it
  (cases.json `maxPoolTies`, `tieBreak`): routing to the LAST maximum instead changes the deconvnet map by
  about a quarter of its maximum, the guided and plain gradients not at all (there the ReLU below the pool
  zeroes whatever reaches a zero element).
- `saliency.npy` [3, 224, 224]: captum Saliency(abs=False), the raw gradient d logit[target] / d input
  (ConvLens's `saliency` shows its absolute value); checked against plain autograd.
- `grad-cam.npy` [13, 13]: pytorch-grad-cam GradCAM at features[12] (fire9's Concat output, [1, 512, 13, 13],
  ONNX tensor `/features/features.12/Concat_output_0`), the raw map its get_cam_image computes from the
  activations and gradients its own hooks record (before its resizing and min-max), then the ReLU (on
  chelsea the map is positive everywhere, so the ReLU changes nothing). (Scripts/make_reference_fixtures.py's
  cam_raw, which also checks that pytorch-grad-cam's public __call__ equals its post-processing of this map.)
- `cases.json`: versions, target, the layer, file list, the measured float32 agreements and max-pooling ties.

Everything runs on one CPU thread, so reruns write byte-identical files. CI never runs this script.
Regenerate with (CPU; seconds), after Scripts/make_squeezenet_model.py wrote the model:
    pip install torch torchvision onnx onnxruntime captum grad-cam numpy pillow
    python3 Scripts/make_squeezenet_fixtures.py
"""
import copy
import hashlib
import importlib.metadata
import json
import os
import pathlib
import sys
import warnings

os.environ.setdefault("TQDM_DISABLE", "1")
warnings.filterwarnings("ignore", module="captum")  # "Input Tensor 0 did not already require gradients"

import numpy as np
import onnx
import onnxruntime as ort
import torch
import torch.nn.functional as F
from captum import attr
from onnx import TensorProto, helper, numpy_helper
from pytorch_grad_cam import GradCAM
from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import make_squeezenet_model as squeezenet  # noqa: E402
import reference_fixture_networks as nets  # noqa: E402
from make_reference_fixtures import cam_raw, rule_gradients  # noqa: E402

ROOT = squeezenet.ROOT
OUT = ROOT / "Tests" / "MethodsTests" / "Fixtures" / "SqueezeNet"
CAM_MODULE = "features.12"  # fire9
POOL_MODULES = ["features.2", "features.5", "features.8"]
MAX_TOTAL_BYTES = 2_600_000


def torch_model_from_onnx(graph):
    """torchvision's squeezenet1_1 holding the ONNX file's initializers (checked: same names, all used)."""
    state = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in graph.graph.initializer}
    return squeezenet.build(state)


def onnx_run(graph, x, extra_outputs):
    """onnxruntime's logits and the named intermediate tensors."""
    model = onnx.ModelProto()
    model.CopyFrom(graph)
    for name in extra_outputs:
        model.graph.output.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, None))
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    results = session.run(["logits"] + extra_outputs, {"input": x.numpy()})
    return results[0], dict(zip(extra_outputs, results[1:]))


def module_output(model, x, name):
    captured = []
    handle = model.get_submodule(name).register_forward_hook(lambda _m, _i, o: captured.append(o.detach()))
    with torch.no_grad():
        model(x)
    handle.remove()
    return captured[0]


def relative(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.abs(a - b).max() / np.abs(b).max())


def rule_gradient(model, x, target, rule, pools=()):
    """d logit[target] / d input with `rule` on every nn.ReLU (autograd, the reference networks' rule units),
    and the gradients arriving at the outputs of the `pools` modules; one image."""
    grad, at_pools = rule_gradients(model, x, target, rule, False, pools)
    return grad[0], at_pools


class LastMaximumPool(torch.nn.Module):
    """MaxPool 3x3/2 whose backward sends each window's gradient to its LAST maximum in row-major order:
    PyTorch's first-maximum pooling of the input flipped in both axes, flipped back (the same windows when
    (size - 3) is even, as at every SqueezeNet pool at 224)."""

    def forward(self, a):
        assert all((size - 3) % 2 == 0 for size in a.shape[-2:])
        return F.max_pool2d(a.flip(-1, -2), 3, 2, ceil_mode=True).flip(-1, -2)


def last_maximum_gradient(model, x, target, rule):
    """rule_gradient with every max pool replaced by LastMaximumPool (same forward values)."""
    swapped = copy.deepcopy(model)
    for name in POOL_MODULES:
        parent, _, leaf = name.rpartition(".")
        setattr(swapped.get_submodule(parent), leaf, LastMaximumPool())
    with torch.no_grad():
        assert torch.equal(swapped(x), model(x))
    return rule_gradient(swapped, x, target, rule)[0]


def pooling_ties(model, x, pool_gradients):
    """Per max pool: its windows (3x3/2; at 224 no ceil-mode overhang), how many have a tied maximum, how many
    of those are all zero, and how many tied windows receive a non-zero deconvnet gradient (there the
    tie-break, PyTorch's first maximum, decides where the gradient goes)."""
    result = {}
    for name in POOL_MODULES:
        pool = model.get_submodule(name)
        captured = []
        handle = pool.register_forward_hook(lambda _m, i, _o: captured.append(i[0].detach()))
        with torch.no_grad():
            model(x)
        handle.remove()
        a = captured[0]
        channels, height, width = a.shape[1:]
        windows = F.unfold(a.reshape(channels, 1, height, width), kernel_size=3, stride=2)  # [C, 9, L]
        out_h, out_w = (height - 3) // 2 + 1, (width - 3) // 2 + 1
        assert F.max_pool2d(a, 3, 2, ceil_mode=True).shape[-2:] == (out_h, out_w), "ceil mode would add windows"
        top = windows.max(dim=1, keepdim=True).values
        tied = (windows == top).sum(dim=1) > 1  # [C, L]
        gradient = pool_gradients[name].reshape(channels, -1)
        result[name] = {"onnxNode": f"/features/{name}/MaxPool", "input": [channels, height, width],
                        "windows": int(tied.numel()), "tied": int(tied.sum()),
                        "tiedAtZero": int((tied & (top[:, 0] == 0)).sum()),
                        "tiedWithDeconvnetGradient": int((tied & (gradient != 0)).sum())}
    return result


class Writer:
    def __init__(self):
        OUT.mkdir(parents=True, exist_ok=True)
        self.files = {}

    def save(self, name, array, what):
        if isinstance(array, torch.Tensor):
            array = array.detach().numpy()
        array = np.ascontiguousarray(np.asarray(array, dtype="<f4"))
        assert np.isfinite(array).all() and np.ptp(array) > 0, name
        np.save(OUT / name, array)
        self.files[name] = {"shape": list(array.shape), "what": what}


def main():
    torch.set_num_threads(1)  # one summation order: reruns give byte-identical files
    model_bytes = squeezenet.MODEL_PATH.read_bytes()
    graph = onnx.load_from_string(model_bytes)
    model = torch_model_from_onnx(graph)
    writer = Writer()
    pgc = f"pytorch-grad-cam {importlib.metadata.version('grad-cam')}"
    captum_version = f"captum {importlib.metadata.version('captum')}"

    x = squeezenet.convlens_input(squeezenet.CHELSEA)
    cam_tensor = "/features/features.12/Concat_output_0"
    logits, intermediates = onnx_run(graph, x, [cam_tensor])
    with torch.no_grad():
        torch_logits = model(x).numpy()
    logits_error = relative(torch_logits, logits)
    cam_error = relative(module_output(model, x, CAM_MODULE).numpy(), intermediates[cam_tensor])
    assert logits_error < 1e-5 and cam_error < 1e-5, (logits_error, cam_error)
    pools = [n.name for n in graph.graph.node if n.op_type == "MaxPool"]
    assert pools == [f"/features/{name}/MaxPool" for name in POOL_MODULES], pools
    ranked = squeezenet.top5(logits)
    target = ranked[0][0]
    assert target in squeezenet.CAT_CLASSES
    writer.save("input.npy", x, "chelsea.png through ConvLens's imagenet preset (bicubic), float32 arithmetic as Preprocess.swift")
    writer.save("logits.npy", logits, f"onnxruntime {ort.__version__} (CPU) on input.npy")

    deconvnet = attr.Deconvolution(model).attribute(x, target=target)[0]
    guided = attr.GuidedBackprop(model).attribute(x, target=target)[0]
    saliency = attr.Saliency(model).attribute(x, target=target, abs=False)[0]
    autograd = {}
    for rule in ["standard", "guided", "deconvnet"]:
        autograd[rule], pool_gradients = rule_gradient(model, x, target, rule, POOL_MODULES)
        if rule == "deconvnet":
            ties = pooling_ties(model, x, pool_gradients)
    agreement = {"onnxruntime vs torch logits": logits_error, "onnxruntime vs torch at the CAM layer": cam_error,
                 "captum Deconvolution vs autograd deconvnet rule": relative(deconvnet, autograd["deconvnet"]),
                 "captum GuidedBackprop vs autograd guided rule": relative(guided, autograd["guided"]),
                 "captum Saliency(abs=False) vs autograd": relative(saliency, autograd["standard"])}
    for check, value in agreement.items():
        assert value < 1e-5, (check, value)
    last = {rule: last_maximum_gradient(model, x, target, rule) for rule in ["deconvnet", "guided", "standard"]}
    tie_break = {rule: relative(map_, autograd[rule]) for rule, map_ in last.items()}
    deconvnet_pearson = float(np.corrcoef(last["deconvnet"].numpy().ravel(), autograd["deconvnet"].numpy().ravel())[0, 1])
    assert tie_break["guided"] < 1e-5 and tie_break["standard"] < 1e-5 and tie_break["deconvnet"] > 1e-2, tie_break
    writer.save("deconvnet.npy", deconvnet, f"{captum_version} Deconvolution, target {target}")
    writer.save("guided-backprop.npy", guided, f"{captum_version} GuidedBackprop, target {target}")
    writer.save("saliency.npy", saliency, f"{captum_version} Saliency(abs=False), target {target}: the raw gradient")

    raw, activations = cam_raw(GradCAM, model, model.get_submodule(CAM_MODULE), x, ClassifierOutputTarget(target))
    assert activations.shape == (1, 512, 13, 13)
    writer.save("grad-cam.npy", np.maximum(raw[0], 0), f"{pgc} GradCAM.get_cam_image at {CAM_MODULE}, then ReLU")

    versions = {package: importlib.metadata.version(package)
                for package in ["torch", "torchvision", "captum", "grad-cam", "onnx", "onnxruntime", "numpy", "pillow"]}
    document = {
        "generator": "Scripts/make_squeezenet_fixtures.py", "versions": versions,
        "model": "Models/squeezenet1.1.onnx", "modelSha256": hashlib.sha256(model_bytes).hexdigest(),
        "image": "Reports/images/chelsea.png", "preset": "imagenet",
        "target": target, "targetName": ranked[0][1],
        "top5": [{"index": i, "name": n, "probability": round(p, 4)} for i, n, p in ranked],
        "camLayer": {"module": CAM_MODULE, "tensor": cam_tensor, "shape": [1, 512, 13, 13]},
        "reluRule": "captum's rules apply to nn.ReLU modules, i.e. every ONNX Relu node (26, conv10's included); "
                    "SqueezeNet has no other activation",
        "files": writer.files, "agreement": {k: float(f"{v:.3g}") for k, v in agreement.items()},
        "maxPoolTies": ties,
        "tieBreak": {"what": "max |map with last-maximum pooling switches - map with first-maximum (PyTorch's)| / "
                             "max |first-maximum map|, per ReLU rule", **{k: float(f"{v:.3g}") for k, v in tie_break.items()},
                     "deconvnetPearson": round(deconvnet_pearson, 4)},
    }
    (OUT / "cases.json").write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n")

    print("top-5 (onnxruntime): " + ", ".join(f"{i} {n} {p:.4f}" for i, n, p in ranked) + f"; target {target}")
    for check, value in agreement.items():
        print(f"  {check}: max |diff| / max |reference| {value:.2e}")
    for name, counts in ties.items():
        print(f"  max pool {name}: {counts}")
    print("  last- vs first-maximum switches: " + ", ".join(f"{k} {v:.2e}" for k, v in tie_break.items())
          + f"; deconvnet Pearson {deconvnet_pearson:.4f}")
    total = sum(f.stat().st_size for f in OUT.iterdir() if f.is_file())  # PROVENANCE.md included
    for f in sorted(OUT.iterdir()):
        print(f"  {f.name}: {f.stat().st_size:,} bytes")
    print(f"{total:,} bytes in {OUT.relative_to(ROOT)}")
    assert total <= MAX_TOTAL_BYTES, total


if __name__ == "__main__":
    main()
