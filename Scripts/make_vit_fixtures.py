#!/usr/bin/env python3
"""Writes Tests/MethodsTests/Fixtures/ViT/: two tiny random-weight vision transformers as ONNX files, two
preprocessed images, and what PyTorch, pytorch-grad-cam and an independent implementation of the attention
formulas give on them, so the Swift tests check ConvLens's token maps and attention methods on a clean clone.

Models (timm architectures, seeded random weights, 224 x 224 inputs, 16 x 16 patches, 14 x 14 = 196 patches):
- `vit_tiny_random`: timm VisionTransformer, embed 64, depth 3, 4 heads, a class token (197 tokens).
- `deit_distilled_random`: timm VisionTransformerDistilled, embed 64, depth 2, 4 heads, class and
  distillation tokens (198 tokens); its logits are the mean of the two heads (eval mode).
Both exported by torch.onnx.export's TorchScript exporter (dynamo=False, opset 17: what most users' exports
are); attention is timm's default fused scaled_dot_product_attention, which that exporter writes as
MatMul -> Softmax -> MatMul, so the attention probabilities are the Softmax outputs.

References (per model, both images, target class = each image's top-1 logit):
- `logits.npy` [2, 1000].
- `gradcam_norm1.npy` [2, 14, 14]: pytorch-grad-cam's GradCAM at the last block's norm1 with its ViT
  reshape_transform (class/distillation tokens dropped, 196 tokens -> 14 x 14, channels first), the raw map
  as its get_cam_image computes it (weights = spatial mean of the gradients), then the ReLU; before its
  resizing and min-max scaling.
- `rollout_mean.npy`, `rollout_max_discard.npy` [2, 196]: attention rollout (Abnar & Zuidema 2020) by this
  script's own code: per block the attention probabilities fused over heads (mean; max), optionally the
  lowest `discard` fraction of the fused matrix set to 0 except the class token's own entry (vit-explain's
  option; 0.5 for the second file), A' = (A + I)/2 with each ROW renormalised to sum 1, R = A'_L ... A'_1,
  and the class token's row of R over the patch tokens. (vit-explain's own code divides by the column sums
  by a broadcasting slip; the formula of the paper normalises rows, as here.)
- `attention_gradient.npy` [2, 196]: Chefer et al. 2021 ("Generic attention-model explainability"),
  R = I, then per block in order R <- R + mean_h(ReLU(dy/dA * A)) R, the class token's row over the patches,
  with dy/dA the gradient of the target logit with respect to the attention probabilities.
The attention probabilities and their gradients come from the same weights run with timm's unfused
attention (identical function) so they can be hooked.

CI never runs this script. Regenerate with (CPU; seconds):
    pip install torch timm onnx onnxruntime grad-cam pillow
    python3 Scripts/make_vit_fixtures.py
"""
import importlib.metadata
import json
import pathlib
import warnings

warnings.filterwarnings("ignore", message="You are using the legacy TorchScript-based ONNX export")

import numpy as np
import onnx
import onnxruntime as ort
import torch
from PIL import Image
from pytorch_grad_cam import GradCAM
from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget
from timm.models.deit import VisionTransformerDistilled
from timm.models.vision_transformer import VisionTransformer

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "MethodsTests" / "Fixtures" / "ViT"
IMAGES = ["chelsea.png", "coffee.png"]
MEAN, STD = np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225])


def preprocessed(name, size=(224, 224)):
    """A bicubic resize to `size` (width, height; 224 x 224) normalised with ImageNet's mean and std. The exact
    tensor is committed and the Swift tests feed it as it is, so the recipe only has to be fixed, not to match
    a ConvLens preset."""
    image = Image.open(ROOT / "Reports" / "images" / name).convert("RGB").resize(size, Image.BICUBIC)
    x = (np.asarray(image, dtype=np.float64) / 255.0 - MEAN) / STD
    return x.transpose(2, 0, 1).astype(np.float32)


def build(kind):
    torch.manual_seed({"vit_tiny_random": 1, "deit_distilled_random": 2}[kind])
    common = dict(img_size=224, patch_size=16, embed_dim=64, num_heads=4, num_classes=1000)
    if kind == "vit_tiny_random":
        model = VisionTransformer(depth=3, **common)
    else:
        model = VisionTransformerDistilled(depth=2, **common)
    # timm's initialisation gives near-uniform attention (queries and keys of tiny norm), whose maps are
    # flat to a few ulp: scale the query and key projections and the tokens up so that attention is peaked
    # and the maps vary, as in trained models.
    with torch.no_grad():
        for parameter in [model.cls_token, model.pos_embed] + ([model.dist_token] if hasattr(model, "dist_token") else []):
            parameter.normal_(0, 0.5)
        for block in model.blocks:
            block.attn.qkv.weight[: 2 * model.embed_dim] *= 6.0
    return model.eval()


def prefix_tokens(model):
    return model.num_prefix_tokens


def attention_with_hooks(model):
    """The model with unfused attention, recording each block's attention probabilities [N, heads, T, T]."""
    recorded = []
    for block in model.blocks:
        block.attn.fused_attn = False

        def hook(module, inputs, output):
            output.retain_grad()
            recorded.append(output)
        block.attn.attn_drop.register_forward_hook(hook)
    return recorded


def rollout(attentions, fusion, discard, prefix):
    """attentions: [blocks] of [heads, T, T] for one image -> [T - prefix]."""
    tokens = attentions[0].shape[-1]
    result = np.eye(tokens)
    for attention in attentions:
        fused = {"mean": attention.mean(axis=0), "max": attention.max(axis=0), "min": attention.min(axis=0)}[fusion].copy()
        if discard > 0:
            flat = fused.reshape(-1)
            order = np.argsort(flat, kind="stable")[: int(flat.size * discard)]
            order = order[order != 0]  # never the class token's attention to itself
            flat[order] = 0
            fused = flat.reshape(tokens, tokens)
        a = (fused + np.eye(tokens)) / 2
        a = a / a.sum(axis=-1, keepdims=True)  # rows sum to 1
        result = a @ result
    return result[0, prefix:]


def attention_gradient(attentions, gradients, prefix):
    tokens = attentions[0].shape[-1]
    result = np.eye(tokens)
    for attention, gradient in zip(attentions, gradients):
        fused = np.maximum(gradient * attention, 0).mean(axis=0)
        result = result + fused @ result
    return result[0, prefix:]


def gradcam(model, layer, x, classes, reshape_transform):
    """pytorch-grad-cam's GradCAM raw map at `layer` for each image's class in `classes`, up to (not
    including) its resizing: [N, h, w]."""
    cam = GradCAM(model=model, target_layers=[layer], reshape_transform=reshape_transform)
    targets = [ClassifierOutputTarget(int(c)) for c in classes]
    outputs = cam.activations_and_grads(x)
    cam.model.zero_grad()
    sum(target(output) for target, output in zip(targets, outputs)).backward()
    activations = cam.activations_and_grads.activations[0].cpu().numpy()
    gradients = cam.activations_and_grads.gradients[0].cpu().numpy()
    raw = cam.get_cam_image(x, layer, targets, activations, gradients, False)
    cam.activations_and_grads.release()
    return np.maximum(raw, 0)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    images = np.stack([preprocessed(name) for name in IMAGES])  # [2, 3, 224, 224]
    np.save(OUT / "input.npy", images)
    x = torch.from_numpy(images)
    cases = []
    for kind in ["vit_tiny_random", "deit_distilled_random"]:
        model = build(kind)
        prefix = prefix_tokens(model)
        folder = OUT / kind
        folder.mkdir(exist_ok=True)
        torch.onnx.export(model, x[:1], folder / "model.onnx", opset_version=17, dynamo=False,
                          input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
        with torch.no_grad():
            logits = model(x).numpy()
        onnx_logits = ort.InferenceSession(str(folder / "model.onnx")).run(None, {"input": images})[0]
        assert np.abs(onnx_logits - logits).max() < 1e-4, "the ONNX export differs from PyTorch"
        np.save(folder / "logits.npy", logits.astype(np.float32))
        classes = logits.argmax(axis=1)

        # Grad-CAM through the token reshape, pytorch-grad-cam's own code path up to its resizing.
        def reshape_transform(tensor, prefix=prefix):
            patches = tensor[:, prefix:, :]
            side = int(round(patches.shape[1] ** 0.5))
            return patches.reshape(tensor.size(0), side, side, tensor.size(2)).permute(0, 3, 1, 2)
        raw = gradcam(model, model.blocks[-1].norm1, x, classes, reshape_transform)
        np.save(folder / "gradcam_norm1.npy", raw.astype(np.float32))

        # Attention probabilities and their gradients (same weights, unfused attention).
        model = build(kind)
        recorded = attention_with_hooks(model)
        image_x = x.clone()
        logits_unfused = model(image_x)
        assert np.abs(logits_unfused.detach().numpy() - logits).max() < 1e-4
        logits_unfused.gather(1, torch.from_numpy(classes)[:, None]).sum().backward()
        maps = {"rollout_mean": [], "rollout_max_discard": [], "attention_gradient": []}
        for item in range(len(IMAGES)):
            attentions = [a.detach().numpy()[item].astype(np.float64) for a in recorded]
            grads = [a.grad.numpy()[item].astype(np.float64) for a in recorded]
            maps["rollout_mean"].append(rollout(attentions, "mean", 0.0, prefix))
            maps["rollout_max_discard"].append(rollout(attentions, "max", 0.5, prefix))
            maps["attention_gradient"].append(attention_gradient(attentions, grads, prefix))
        for name, values in maps.items():
            np.save(folder / f"{name}.npy", np.stack(values).astype(np.float32))
        graph = onnx.load(folder / "model.onnx").graph
        last = len(model.blocks) - 1
        norm1 = [n.output[0] for n in graph.node if n.op_type == "LayerNormalization" and f"blocks.{last}/norm1" in n.name]
        softmaxes = [n.output[0] for n in graph.node if n.op_type == "Softmax" and "/attn/" in n.name]
        assert len(norm1) == 1 and len(softmaxes) == len(model.blocks), (norm1, softmaxes)
        cases.append({"model": kind, "prefix": prefix, "grid": [14, 14], "classes": [int(c) for c in classes],
                      "norm1": norm1[0], "attention": softmaxes})
    versions = {name: importlib.metadata.version(name) for name in ["torch", "timm", "grad-cam", "onnx", "onnxruntime"]}
    (OUT / "cases.json").write_text(json.dumps({"images": IMAGES, "models": cases, "versions": versions}, indent=2) + "\n")


if __name__ == "__main__":
    main()
