#!/usr/bin/env python3
"""Writes Tests/MethodsTests/Fixtures/OutsideReferences/: two tiny random-weight CNNs as ONNX files, their
inputs, and every decision method's map computed by the libraries users compare ConvLens with.

References (all on the networks of Scripts/reference_fixture_networks.py, at the exact committed inputs):
- pytorch-grad-cam: Grad-CAM (also signed and counterfactual), Grad-CAM++, XGrad-CAM, HiResCAM, Layer-CAM,
  Score-CAM, Ablation-CAM, Eigen-CAM, as raw maps at the layer's resolution: `get_cam_image` on the
  activations and gradients pytorch-grad-cam's own hooks recorded (BaseCAM.forward without its
  resizing and min-max), then the ReLU, which is where ConvLens exports its raw maps.
- captum: Saliency (abs), Deconvolution, GuidedBackprop, GuidedGradCam (nearest), LayerGradCam,
  IntegratedGradients (32 steps, Gauss-Legendre and trapezoid, baseline 0), Occlusion (baseline 0),
  NoiseTunnel(Saliency) SmoothGrad with the noise it drew saved (torch.normal is handed pre-drawn noise).
- PyTorch autograd: the standard, guided and deconvnet ReLU rules (on ReLU only, and on ReLU and ReLU6,
  ConvLens's default) to the input and to an intermediate tensor; activations and the gradient at the CAM
  layer; guided Grad-CAM with ConvLens's defaults (ReLU6 rule, bilinear upsampling).
- by hand: CAM = ReLU(Σ_k W[c, k] A^k) with the final linear layer's weights (no library has it).
Conventions follow ConvLens's (its method files and ARCHITECTURE.md); where a library leaves a choice open the script takes
ConvLens's (Eigen-CAM's sign: positive correlation with the mean activation over channels).

`cases.json` lists every map case (method, ConvLens settings, reference file, what produced it) and
every gradient case; Tests/MethodsTests/OutsideReferenceTests.swift runs them. CI never runs this
script. Regenerate with (CPU; about a minute):
    pip install torch torchvision onnx onnxruntime captum grad-cam
    python3 Scripts/make_reference_fixtures.py
"""
import importlib.metadata
import json
import os
import pathlib
import shutil
import sys
import warnings
from unittest import mock

os.environ.setdefault("TQDM_DISABLE", "1")  # pytorch-grad-cam's progress bars
warnings.filterwarnings("ignore", module="captum")  # "Input Tensor 0 did not already require gradients"
warnings.filterwarnings("ignore", message="You are using the legacy TorchScript-based ONNX export")

import numpy as np
import onnx
import onnxruntime as ort
import torch
import torch.nn.functional as F
from captum import attr
from onnx import TensorProto, helper
from pytorch_grad_cam import (AblationCAM, EigenCAM, GradCAM, GradCAMPlusPlus, HiResCAM, LayerCAM, ScoreCAM,
                              XGradCAM)
from pytorch_grad_cam.utils.image import scale_cam_image
from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import reference_fixture_networks as nets  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "MethodsTests" / "Fixtures" / "OutsideReferences"
# (kind, weight seed, images, image size, image seed, occlusion settings: one dividing and one not)
MODELS = [
    ("depthwise_relu6", 1, 1, 64, 11, [(32, 16), (12, 8)]),
    ("residual", 2, 2, 32, 12, [(8, 4), (6, 4)]),
]
SMOOTHGRAD_SAMPLES, SMOOTHGRAD_BATCH, SMOOTHGRAD_NOISE = 12, 8, 0.15  # 12 copies in batches of 8 + 4
IG_STEPS = 32
MAX_TOTAL_BYTES = 5 * 1024 * 1024


class Writer:
    """Saves float32 arrays under a model's folder and collects the cases."""

    def __init__(self, kind):
        self.kind, self.folder = kind, OUT / kind
        self.folder.mkdir(parents=True, exist_ok=True)
        self.maps, self.gradients = [], []

    def save(self, name, array):
        if isinstance(array, torch.Tensor):
            array = array.detach().numpy()
        array = np.ascontiguousarray(np.asarray(array, dtype="<f4"))
        assert np.isfinite(array).all(), name
        assert all(np.ptp(item) > 0 for item in array.reshape(array.shape[0], -1)), f"{name} is constant"
        np.save(self.folder / name, array)
        return f"{self.kind}/{name}"

    def map_case(self, method, settings, name, array, source, noise=None):
        case = {"model": self.kind, "method": method, "settings": settings, "reference": self.save(name, array),
                "source": source}
        if noise is not None:
            case["noise"] = noise
        self.maps.append(case)

    def gradient_case(self, rule, relu6, tensor, name, array, source):
        self.gradients.append({"model": self.kind, "rule": rule, "relu6": relu6, "tensor": tensor,
                               "reference": self.save(name, array), "source": source})


def export(model, x, path):
    torch.onnx.export(model, (x,), str(path), dynamo=False, opset_version=17, input_names=["input"],
                      output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    onnx.checker.check_model(onnx.load(str(path)), full_check=True)


def module_outputs(model, x, names):
    """The outputs of the named submodules on x."""
    captured = {}
    handles = [model.get_submodule(name).register_forward_hook(
        lambda _m, _i, output, name=name: captured.__setitem__(name, output.detach().clone())) for name in names]
    with torch.no_grad():
        model(x)
    for handle in handles:
        handle.remove()
    return captured


def onnx_names_and_check(path, model, x, modules):
    """Runs the ONNX file in onnxruntime with every Relu/Clip output exposed; returns the ONNX tensor name
    whose values equal each module's PyTorch output (exactly one must match) and the ORT logits."""
    graph = onnx.load(str(path))
    candidates = [node.output[0] for node in graph.graph.node if node.op_type in ("Relu", "Clip")]
    for name in candidates:
        graph.graph.output.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, None))
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = ort.InferenceSession(graph.SerializeToString(), options, providers=["CPUExecutionProvider"])
    results = dict(zip(["logits"] + candidates, session.run(None, {"input": x.numpy()})))
    torch_outputs = module_outputs(model, x, modules)
    names = {}
    for module, expected in torch_outputs.items():
        matches = [n for n in candidates if results[n].shape == tuple(expected.shape)
                   and np.abs(results[n] - expected.numpy()).max() < 1e-4]
        assert len(matches) == 1, (module, matches)
        names[module] = matches[0]
    return names, results["logits"]


def cam_raw(cam_class, model, layer, x, target):
    """pytorch-grad-cam's map before its ReLU, at the layer's resolution: BaseCAM.forward up to
    get_cam_image, with the activations and gradients its own hooks record. Checks that its public
    __call__ gives the same map after its post-processing."""
    targets = [target] * x.shape[0]
    with cam_class(model=model, target_layers=[layer]) as cam:
        outputs = cam.activations_and_grads(x)
        if cam.uses_gradients:
            model.zero_grad()
            sum(t(o) for t, o in zip(targets, outputs)).backward(retain_graph=True)
            grads = cam.activations_and_grads.gradients[0].numpy()
        else:
            grads = None
        activations = cam.activations_and_grads.activations[0].numpy()
        raw = cam.get_cam_image(x, layer, targets, activations, grads, eigen_smooth=False)
        public = cam(x, targets)
    size = (x.shape[-1], x.shape[-2])
    assert np.allclose(public, scale_cam_image(scale_cam_image(np.maximum(raw, 0), size)), atol=1e-5), cam_class
    return raw, activations


def rule_gradients(model, x, target, rule, relu6, modules):
    """d logit[target] / d (input, module outputs) with `rule` on ReLU (and ReLU6 if relu6) units."""
    ruled = nets.with_rule(model, rule, relu6)
    captured = {}

    def keep(name):
        def hook(_module, _inputs, output):
            output.retain_grad()
            captured[name] = output
        return hook

    handles = [ruled.get_submodule(m).register_forward_hook(keep(m)) for m in modules]
    xg = x.clone().requires_grad_(True)
    ruled(xg)[:, target].sum().backward()
    for handle in handles:
        handle.remove()
    return xg.grad.detach(), {m: captured[m].grad.detach() for m in modules}


def smoothgrad(model, x, target, rng):
    """captum's NoiseTunnel(Saliency(abs)) per image, σ = 0.15 (max − min), with torch.normal replaced by
    pre-drawn noise; returns the maps [N, 3, H, W] and the noise [N, samples, 3, H, W]."""
    maps, noises = [], []
    for image in x:
        image = image[None]
        sigma = SMOOTHGRAD_NOISE * float(image.max() - image.min())
        noise = torch.from_numpy((rng.standard_normal((SMOOTHGRAD_SAMPLES,) + tuple(image.shape[1:])) * sigma)
                                 .astype(np.float32))
        seen = []

        def given_noise(mean, std):
            assert mean == 0 and tuple(std.shape) == tuple(noise.shape), std.shape
            return noise.clone()

        def recording_forward(inputs):
            seen.append(inputs.detach().clone())
            return model(inputs)

        with mock.patch.object(torch, "normal", given_noise):
            result = attr.NoiseTunnel(attr.Saliency(recording_forward)).attribute(
                image, nt_type="smoothgrad", nt_samples=SMOOTHGRAD_SAMPLES, stdevs=sigma, abs=True, target=target)
        assert torch.equal(torch.cat(seen), image.repeat_interleave(SMOOTHGRAD_SAMPLES, 0) + noise)
        maps.append(result[0].detach().numpy())
        noises.append(noise.numpy())
    return np.stack(maps), np.stack(noises)


def eigen_sign(projection, activations):
    """ConvLens's sign choice for Eigen-CAM: correlate positively with the mean activation over channels."""
    out = []
    for p, a in zip(projection, activations):
        mean = a.mean(axis=0)
        out.append(p if np.corrcoef(p.ravel(), mean.ravel())[0, 1] >= 0 else -p)
    return np.stack(out)


def references(kind, seed, count, size, image_seed, occlusions):
    writer = Writer(kind)
    model = nets.build(kind, seed)
    x = torch.from_numpy(nets.smooth_images(count, size, image_seed))
    onnx_path = writer.folder / "model.onnx"
    export(model, x, onnx_path)
    cam_module, mid_module = model.cam_module, model.intermediate_module
    names, ort_logits = onnx_names_and_check(onnx_path, model, x, [cam_module, mid_module])
    with torch.no_grad():
        logits = model(x)
    assert np.abs(ort_logits - logits.numpy()).max() < 1e-5
    # Target: the class whose smallest logit over the images is largest (positive, for Ablation-CAM's / y).
    target = int(logits.min(dim=0).values.argmax())
    assert float(logits[:, target].min()) > 0.1
    layer = model.get_submodule(cam_module)
    cam_layer = names[cam_module]
    on_layer = {"layer": cam_layer}
    pgc = f"pytorch-grad-cam {importlib.metadata.version('grad-cam')}"
    captum_version = f"captum {importlib.metadata.version('captum')}"
    writer.save("input.npy", x.numpy())
    writer.save("logits.npy", logits.numpy())

    # Channel-weighted maps (pytorch-grad-cam), raw at the layer's resolution, after the ReLU.
    classifier_target = ClassifierOutputTarget(target)
    for method, cls in [("grad-cam", GradCAM), ("grad-cam-plus-plus", GradCAMPlusPlus), ("xgrad-cam", XGradCAM),
                        ("hires-cam", HiResCAM), ("layer-cam", LayerCAM), ("score-cam", ScoreCAM),
                        ("ablation-cam", AblationCAM)]:
        raw, activations = cam_raw(cls, model, layer, x, classifier_target)
        if method == "ablation-cam":
            assert activations.min() == 0  # pytorch-grad-cam then ablates with 0, as the paper and ConvLens
        writer.map_case(method, on_layer, f"{method}.npy", np.maximum(raw, 0),
                        f"{pgc} {cls.__name__}.get_cam_image, then ReLU")
        if method == "grad-cam":
            writer.map_case(method, {**on_layer, "relu": False}, "grad-cam-signed.npy", raw,
                            f"{pgc} GradCAM.get_cam_image (no ReLU)")
            # Signed: after the ReLU the counterfactual map of a random network is often all zero.
            negated, _ = cam_raw(cls, model, layer, x, lambda output: -output[target])
            writer.map_case(method, {**on_layer, "counterfactual": True, "relu": False}, "grad-cam-counterfactual.npy",
                            negated, f"{pgc} GradCAM with target −y^c (no ReLU)")
    projection, activations = cam_raw(EigenCAM, model, layer, x, classifier_target)
    writer.map_case("eigen-cam", on_layer, "eigen-cam.npy", np.maximum(eigen_sign(projection, activations), 0),
                    f"{pgc} EigenCAM.get_cam_image (get_2d_projection), sign as ConvLens, then ReLU")
    weights = model.classifier.weight if kind == "depthwise_relu6" else model.fc.weight  # [K, C]
    cam = np.maximum(np.einsum("c,nchw->nhw", weights[target].detach().numpy(), activations), 0)
    writer.map_case("cam", on_layer, "cam.npy", cam, "by hand: ReLU(Σ_k W[c, k] A^k), W the final linear layer")
    gradcam_layer = attr.LayerGradCam(model, layer).attribute(x, target=target, relu_attributions=True)
    writer.map_case("grad-cam", on_layer, "grad-cam-captum.npy", gradcam_layer[:, 0].detach().numpy(),
                    f"{captum_version} LayerGradCam(relu_attributions=True)")

    # Pixel attributions (captum).
    writer.map_case("saliency", {}, "saliency.npy", attr.Saliency(model).attribute(x, target=target, abs=True),
                    f"{captum_version} Saliency(abs=True)")
    captum_rules = {"relu6": False}
    captum_rule_maps = {"deconvnet": attr.Deconvolution(model).attribute(x, target=target),
                        "guided": attr.GuidedBackprop(model).attribute(x, target=target)}
    writer.map_case("deconvnet", captum_rules, "deconvnet-relu-only.npy", captum_rule_maps["deconvnet"],
                    f"{captum_version} Deconvolution")
    writer.map_case("guided-backprop", captum_rules, "guided-backprop-relu-only.npy", captum_rule_maps["guided"],
                    f"{captum_version} GuidedBackprop")
    writer.map_case("guided-grad-cam", {**on_layer, **captum_rules, "upsample": "nearest"}, "guided-grad-cam-captum.npy",
                    attr.GuidedGradCam(model, layer).attribute(x, target=target),
                    f"{captum_version} GuidedGradCam (nearest)")
    for rule_name, file_name in [("gauss-legendre", "gausslegendre"), ("riemann-trapezoid", "riemann_trapezoid")]:
        ig = attr.IntegratedGradients(model).attribute(x, baselines=0.0, target=target, n_steps=IG_STEPS,
                                                       method=file_name)
        source = f"{captum_version} IntegratedGradients(n_steps={IG_STEPS}, method='{file_name}', baselines=0)"
        if rule_name == "riemann-trapezoid":
            # captum's trapezoid steps by 1/n over n points from 0 to 1 (weights sum to (n − 1)/n); the
            # trapezoid rule, and ConvLens, step by 1/(n − 1): the same nodes, every weight n/(n − 1) larger.
            ig = ig * IG_STEPS / (IG_STEPS - 1)
            source += f" × {IG_STEPS}/{IG_STEPS - 1} (trapezoid step 1/(n − 1), not captum's 1/n)"
        writer.map_case("integrated-gradients", {"steps": IG_STEPS, "rule": rule_name}, f"ig-{rule_name}.npy", ig,
                        source)
    for index, (window, stride) in enumerate(occlusions):
        occlusion = attr.Occlusion(model).attribute(x, sliding_window_shapes=(3, window, window),
                                                    strides=(3, stride, stride), baselines=0.0, target=target)
        source = f"{captum_version} Occlusion(window (3, {window}, {window}), strides (3, {stride}, {stride}), baselines=0)"
        name = f"occlusion-{window}-{stride}.npy"
        writer.map_case("occlusion", {"window": window, "stride": stride}, name, occlusion, source)
        if index == 1:
            writer.map_case("occlusion", {"window": window, "stride": stride, "incremental": False}, name,
                            occlusion, source)
    maps, noise = smoothgrad(model, x, target, np.random.default_rng(seed + 100))
    writer.map_case("smoothgrad", {"steps": SMOOTHGRAD_SAMPLES, "batch": SMOOTHGRAD_BATCH}, "smoothgrad.npy", maps,
                    f"{captum_version} NoiseTunnel(Saliency, smoothgrad, nt_samples={SMOOTHGRAD_SAMPLES}, "
                    f"stdevs={SMOOTHGRAD_NOISE}·(max x − min x)), noise in smoothgrad-noise.npy",
                    noise=writer.save("smoothgrad-noise.npy", noise))

    # The three ReLU rules by autograd, on ReLU only (captum's convention) and on ReLU and ReLU6.
    modules = [mid_module, cam_module]
    tensors = {mid_module: "intermediate", cam_module: "cam"}
    has_relu6 = any(type(m) is torch.nn.ReLU6 for m in model.modules())
    guided_all = None
    for rule in ["standard", "guided", "deconvnet"]:
        for relu6 in ([False, True] if rule != "standard" and has_relu6 else [True]):
            to_input, at = rule_gradients(model, x, target, rule, relu6, modules)
            units = "ReLU and ReLU6" if relu6 and has_relu6 else "ReLU"
            tag = f"{rule}-{'all' if relu6 else 'relu-only'}"
            source = f"PyTorch autograd, {rule} rule on {units} units"
            writer.gradient_case(rule, relu6, "input", f"gradient-{tag}-input.npy", to_input, source)
            writer.gradient_case(rule, relu6, "intermediate", f"gradient-{tag}-intermediate.npy", at[mid_module], source)
            if rule == "standard":
                writer.gradient_case(rule, relu6, "cam", "gradient-standard-cam.npy", at[cam_module], source)
                saliency = attr.Saliency(model).attribute(x, target=target, abs=True)
                assert torch.allclose(saliency, to_input.abs(), atol=1e-6)
            if rule == "guided" and relu6:
                guided_all = to_input
            if rule != "standard" and not (relu6 and has_relu6):  # two outside implementations agree
                assert torch.allclose(to_input, captum_rule_maps[rule], atol=1e-6), rule
            if has_relu6 and rule in ("guided", "deconvnet") and relu6:  # ConvLens's default, relu6: true
                case = writer.gradients[-2]
                writer.maps.append({"model": kind, "method": "guided-backprop" if rule == "guided" else "deconvnet",
                                    "settings": {}, "reference": case["reference"], "source": case["source"]})
    if not has_relu6:  # relu6: true is the same rule here; ConvLens's default must give captum's map
        for method in ["deconvnet", "guided-backprop"]:
            case = next(c for c in writer.maps if c["method"] == method)
            writer.maps.append({**case, "settings": {}})
    gradcam = torch.from_numpy(np.maximum(cam_raw(GradCAM, model, layer, x, classifier_target)[0], 0))[:, None]
    upsampled = F.interpolate(gradcam, size=x.shape[-2:], mode="bilinear", align_corners=False)
    writer.map_case("guided-grad-cam", on_layer, "guided-grad-cam-bilinear.npy", guided_all * upsampled,
                    f"autograd guided rule (ReLU and ReLU6) × {pgc} Grad-CAM upsampled bilinearly "
                    "(F.interpolate, align_corners=False)")
    activation_files = {tensors[m]: writer.save(f"activation-{tensors[m]}.npy", v.numpy())
                        for m, v in module_outputs(model, x, modules).items()}
    entry = {"name": kind, "onnx": f"{kind}/model.onnx", "input": f"{kind}/input.npy", "logits": f"{kind}/logits.npy",
             "target": target, "tensors": {"cam": cam_layer, "intermediate": names[mid_module]},
             "activations": activation_files, "weightSeed": seed, "imageSeed": image_seed,
             "relu6Saturated": relu6_saturation(model, x)}
    return entry, writer


def relu6_saturation(model, x):
    """Fraction of ReLU6 inputs above 6 (the upper mask must matter somewhere)."""
    inputs = []
    handles = [m.register_forward_hook(lambda _m, i, _o: inputs.append(i[0].flatten()))
               for m in model.modules() if type(m) is torch.nn.ReLU6]
    with torch.no_grad():
        model(x)
    for handle in handles:
        handle.remove()
    return float((torch.cat(inputs) > 6).float().mean()) if inputs else 0.0


def main():
    torch.set_num_threads(1)  # one summation order: reruns give byte-identical files
    for kind, *_ in MODELS:  # PROVENANCE.md stays
        shutil.rmtree(OUT / kind, ignore_errors=True)
    models, maps, gradients = [], [], []
    for spec in MODELS:
        entry, writer = references(*spec)
        models.append(entry)
        maps += writer.maps
        gradients += writer.gradients
        print(f"{entry['name']}: target {entry['target']}, {len(writer.maps)} map cases, "
              f"{len(writer.gradients)} gradient cases, ReLU6 inputs above 6: {entry['relu6Saturated']:.3f}")
    versions = {package: importlib.metadata.version(package)
                for package in ["torch", "captum", "grad-cam", "onnx", "onnxruntime", "numpy"]}
    document = {"generator": "Scripts/make_reference_fixtures.py", "versions": versions, "models": models,
                "maps": maps, "gradients": gradients}
    (OUT / "cases.json").write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n")
    total = sum(f.stat().st_size for f in OUT.rglob("*") if f.is_file())  # PROVENANCE.md included
    print(f"{total / 1024:.0f} KiB in {OUT}")
    assert total <= MAX_TOTAL_BYTES, total


if __name__ == "__main__":
    main()
