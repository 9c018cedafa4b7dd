#!/usr/bin/env python3
"""Writes Tests/MethodsTests/Fixtures/TransformerLayers/: five tiny random-weight vision models whose
automatic CAM layer (`layer: auto`) follows one of ConvLens's transformer rules other than the ViT one
(README, "Vision transformers: token maps and attention"; Sources/Methods/Core/TransformerGraph.swift), so
that the Swift tests pin those rules on a clean clone instead of by hand on big exports.

Models (seeded random weights, one 224 x 224 input but for the wide Swin, 100 classes; the sizes are cut down until each ONNX file
is under 1 MB, the rules only look at the graph's structure):
- `swin_timm_random`: timm SwinTransformer (patch 4, window 7, embed 8, depths (1, 1, 2, 1), heads
  (1, 2, 2, 4), MLP ratio 2). timm's blocks keep [N, H, W, C] around attention but run norm2 and the MLP on
  tokens, so the last block's norm2 output is tokens [1, 49, 64] (a 7 x 7 grid, no prefix).
- `swin_timm_wide_random`: the same timm Swin built for a 224 x 320 input (its own `input_wide.npy`, the image
  resized to 320 x 224): the last stage's tokens [1, 70, 64] are a 7 x 10 grid, which only the patch grid
  (56 x 80) halved three times tells apart from a square with a prefix (70 = 6 + 8 x 8).
- `swin_torchvision_random`: torchvision.models.swin_transformer.SwinTransformer with the same sizes
  (torchvision's `swin_t` constructor, small dims). Its blocks stay channels-last: norm2 is [1, 7, 7, 64].
- `convnext_timm_random`: timm ConvNeXt, depths (1, 1, 1, 1), dims (16, 32, 64, 96), layer scale 1.0
  (timm's 1e-6 leaves every block's branch invisible in a random model). No attention: the CNN rule, the last
  4-D map with more than one position = the last stage's residual Add [1, 96, 7, 7] (not the head's
  LayerNorm of the pooled [1, 1, 1, 96], which has one position).
- `levit_timm_random`: timm LevitDistilled (as `levit_128s`), embed (16, 32, 48), key dim 8, heads (1, 2, 2),
  depth (1, 1, 1), attention ratio 2, MLP ratio 2. Its linear layers are Linear + BatchNorm1d (no
  normalisation over each token's features), so the rule is the last token tensor [N, T, C] with T the
  last attention's sequence (4 x 4 = 16) produced after that attention: the last block's second residual
  Add, [1, 16, 48]. BatchNorm weights, biases and running statistics and the attention biases are drawn at
  random (timm initialises the attention projection's BatchNorm weight to 0, which would cut attention out).

Each is exported by torch.onnx.export's TorchScript exporter (dynamo=False, opset 17, static shape
[1, 3, 224, 224] or [1, 3, 224, 320], input `input`, output `logits`) and run in onnxruntime; its logits must equal PyTorch's
within 1e-4 of their max.

How the expected layer's ONNX tensor name is found (no name is typed by hand), twice, and both must agree:
1. By module: the TorchScript exporter names every node after the module scopes it ran in
   ("/features/features.7/features.7.0/norm2/LayerNormalization"), so a node's module is the qualified name
   rebuilt from its scope (`module_of`). Swin: the LayerNormalization node of module `layers[-1].blocks[-1]
   .norm2` (timm) / `features[-1][-1].norm2` (torchvision). ConvNeXt: the one Add node of module
   `stages[-1].blocks[-1]` itself (the bias and GELU Adds sit in deeper modules), the block's residual sum.
   LeViT: of the two Add nodes of module `stages[-1].blocks[-1]` (attention and MLP residuals), the one the
   head's ReduceMean (the mean over tokens) reads.
2. By the rule, re-implemented here on the graph (`automatic_layer`, a transcription of
   TransformerGraph.automaticLayer() with shapes from onnxruntime, on the nodes that depend on the input,
   i.e. those left after constant folding).

References (target class = the top-1 logit, whose margin over the second must be far above float error):
- `<model>.logits.npy` [1, 100]: onnxruntime's logits.
- `<model>.gradcam.npy` [1, 7, 7], Swin and ConvNeXt only: pytorch-grad-cam's GradCAM at the module above,
  the raw map as its get_cam_image computes it (weights = spatial mean of the gradients) and then its ReLU,
  before its resizing and min-max scaling (`gradcam_float64_error` in cases.json: its float32 round-off,
  max |float32 - float64| over the float64 map's max). Swin goes through the reshape_transform pytorch-grad-cam
  documents for Swin (tokens [N, 49, C] -> [N, 7, 7, C]; channels-last -> channels-first), which for the
  torchvision layout is just the permutation.

CI never runs this script. Regenerate with (CPU; under a minute):
    pip install torch torchvision timm onnx onnxruntime grad-cam pillow
    python3 Scripts/make_transformer_layer_fixtures.py
"""
import collections
import copy
import importlib.metadata
import json
import pathlib
import warnings

warnings.filterwarnings("ignore", message="You are using the legacy TorchScript-based ONNX export")
warnings.filterwarnings("ignore", category=UserWarning)

import numpy as np
import onnx
import onnxruntime as ort
import torch
import torchvision.models.swin_transformer as torchvision_swin
from timm.models.convnext import ConvNeXt
from timm.models.levit import LevitDistilled
from timm.models.swin_transformer import SwinTransformer

# One definition each of the input recipe and of pytorch-grad-cam's raw map, shared with the ViT fixtures.
from make_vit_fixtures import gradcam, preprocessed  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "MethodsTests" / "Fixtures" / "TransformerLayers"
IMAGE = "chelsea.png"
MODELS = ["swin_timm_random", "swin_timm_wide_random", "swin_torchvision_random", "convnext_timm_random", "levit_timm_random"]
WIDE = (320, 224)  # width, height of swin_timm_wide_random's input
WINDOWED = {"Conv", "MaxPool", "AveragePool"}  # ops with a sliding window (ConvLens `op.window`)


def build(kind):
    """The model in eval mode and the module whose output is the expected layer."""
    # Seeds as before the wide Swin was added, so the other models' weights stay what they were.
    torch.manual_seed({"swin_timm_random": 1, "swin_torchvision_random": 2, "convnext_timm_random": 3,
                       "levit_timm_random": 4, "swin_timm_wide_random": 5}[kind])
    if kind in ("swin_timm_random", "swin_timm_wide_random"):
        size = 224 if kind == "swin_timm_random" else (WIDE[1], WIDE[0])
        model = SwinTransformer(img_size=size, patch_size=4, window_size=7, embed_dim=8, depths=(1, 1, 2, 1),
                                num_heads=(1, 2, 2, 4), mlp_ratio=2.0, num_classes=100)
        layer = model.layers[-1].blocks[-1].norm2
    elif kind == "swin_torchvision_random":
        model = torchvision_swin.SwinTransformer(patch_size=[4, 4], embed_dim=8, depths=[1, 1, 2, 1],
                                                 num_heads=[1, 2, 2, 4], window_size=[7, 7], mlp_ratio=2.0,
                                                 stochastic_depth_prob=0.0, num_classes=100)
        layer = model.features[-1][-1].norm2
    elif kind == "convnext_timm_random":
        model = ConvNeXt(depths=(1, 1, 1, 1), dims=(16, 32, 64, 96), ls_init_value=1.0, num_classes=100)
        layer = model.stages[-1].blocks[-1]  # its output is the residual Add
    else:
        model = LevitDistilled(img_size=224, embed_dim=(16, 32, 48), key_dim=8, num_heads=(1, 2, 2),
                               depth=(1, 1, 1), attn_ratio=2.0, mlp_ratio=2.0, num_classes=100)
        with torch.no_grad():
            for module in model.modules():
                if isinstance(module, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d)):
                    module.weight.uniform_(0.5, 1.5)
                    module.bias.normal_(0, 0.1)
                    module.running_mean.normal_(0, 0.1)
                    module.running_var.uniform_(0.5, 1.5)
                if hasattr(module, "attention_biases"):
                    module.attention_biases.normal_(0, 1.0)
        layer = model.stages[-1].blocks[-1]  # its output is the second residual Add
    return model.eval(), layer


def module_of(node_name):
    """The qualified module name a TorchScript-exported node ran in: each scope is the module's name in its
    parent, and a child of a Sequential or ModuleList is named with the list's name and its index, so
    "/layers/layers.3/blocks/blocks.0/norm2/LayerNormalization" -> "layers.3.blocks.0.norm2"."""
    parts = []
    for part in node_name.strip("/").split("/")[:-1]:
        if parts and part.startswith(parts[-1] + "."):
            parts[-1] = part
        else:
            parts.append(part)
    return ".".join(parts)


def live_nodes(graph):
    """The nodes that depend on the input (what is left after constant folding: a Shape of an activation is
    constant for a static input)."""
    live, nodes = {graph.input[0].name}, []
    for node in graph.node:
        if node.op_type != "Shape" and any(name in live for name in node.input):
            live.update(node.output)
            nodes.append(node)
    return nodes


def tensor_shapes(path, nodes, x):
    """Every live tensor's shape, read by running onnxruntime with all of them as outputs."""
    model = onnx.load(path)
    names = [output for node in nodes for output in node.output if output]
    known = {output.name for output in model.graph.output}
    model.graph.output.extend([onnx.ValueInfoProto(name=name) for name in names if name not in known])
    session = ort.InferenceSession(model.SerializeToString())
    values = session.run(names, {"input": x})
    return {name: list(value.shape) for name, value in zip(names, values)}


def attribute(node, name, default):
    for a in node.attribute:
        if a.name == name:
            return onnx.helper.get_attribute_value(a)
    return default


def automatic_layer(nodes, shapes, input_name):
    """TransformerGraph.automaticLayer(), transcribed: (tensor, rule)."""
    def feature_norm(node):
        return node.op_type == "LayerNormalization" and attribute(node, "axis", -1) in (-1, len(shapes[node.input[0]]) - 1)
    producer = {output: node for node in nodes for output in node.output}
    attention = [i for i, node in enumerate(nodes) if node.op_type == "Softmax" and attribute(node, "axis", -1) in (-1, 3)
                 and len(shapes[node.output[0]]) == 4 and shapes[node.output[0]][2] == shapes[node.output[0]][3] > 1]
    if attention and not any(node.op_type in WINDOWED for node in nodes[attention[-1]:]):
        last = attention[-1]
        queue, seen = list(nodes[last].input), set(nodes[last].input)
        while queue:  # the nearest feature normalisation upstream, breadth first
            tensor = queue.pop(0)
            node = producer.get(tensor)
            if node is None:
                continue
            if feature_norm(node):
                if len(shapes[tensor]) == 3:
                    return tensor, "ViT rule"
                break
            for name in node.input:
                if name not in seen:
                    seen.add(name)
                    queue.append(name)
        for node in nodes[last:]:
            if feature_norm(node) and len(shapes[node.output[0]]) >= 3:
                return node.output[0], "Swin rule"
        length = shapes[nodes[last].output[0]][3]
        tokens = [(i, output) for i, node in enumerate(nodes) for output in node.output
                  if len(shapes[output]) == 3 and shapes[output][1] == length]
        if tokens and tokens[-1][0] > last:
            return tokens[-1][1], "no feature normalisation"

    def channels_last(name):
        return len(shapes[name]) == 4 and ((name in producer and feature_norm(producer[name]))
                                           or any(feature_norm(node) and node.input[0] == name for node in nodes))
    found = None
    for name in [input_name] + [output for node in nodes for output in node.output]:
        shape = shapes.get(name, [])
        if len(shape) == 4 and ((shape[1] * shape[2] if channels_last(name) else shape[2] * shape[3]) > 1):
            found = name
    return found, None


def expected_by_module(kind, nodes, layer_name):
    """The expected tensor found from the module that computes it (see the docstring)."""
    if kind.startswith("swin"):
        found = [node.output[0] for node in nodes if node.op_type == "LayerNormalization" and module_of(node.name) == layer_name]
    elif kind.startswith("convnext"):
        found = [node.output[0] for node in nodes if node.op_type == "Add" and module_of(node.name) == layer_name]
    else:
        adds = [node.output[0] for node in nodes if node.op_type == "Add" and module_of(node.name) == layer_name]
        means = [node for node in nodes if node.op_type == "ReduceMean" and module_of(node.name) == ""]
        assert len(adds) == 2 and len(means) == 1, (adds, [n.name for n in means])
        found = [add for add in adds if add in means[0].input]
    assert len(found) == 1, (kind, layer_name, found)
    return found[0]


def grid_of(shape, arrangement, grid):
    """The layer's maps [1, C, h, w] as ConvLens reads them; `grid` = [h, w] of a token layer (None: square)."""
    if arrangement == "tokens":
        side = int(round(shape[1] ** 0.5))
        grid = grid or [side, side]
        assert grid[0] * grid[1] == shape[1]
        return [shape[0], shape[2], grid[0], grid[1]]
    if arrangement == "channels-last":
        return [shape[0], shape[3], shape[1], shape[2]]
    return shape


def swin_reshape_transform(grid):
    """pytorch-grad-cam's Swin reshape_transform (its docs, tutorials/vision_transformers, with height and
    width set): tokens [N, h * w, C] -> [N, h, w, C], then channels first; torchvision's [N, h, w, C] only
    needs the latter."""
    def transform(tensor):
        if tensor.dim() == 3:
            tensor = tensor.reshape(tensor.size(0), grid[0], grid[1], tensor.size(2))
        return tensor.permute(0, 3, 1, 2)
    return transform


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    square = preprocessed(IMAGE)[None]  # [1, 3, 224, 224]
    np.save(OUT / "input.npy", square)
    wide = preprocessed(IMAGE, WIDE)[None]  # [1, 3, 224, 320]
    np.save(OUT / "input_wide.npy", wide)
    cases = []
    for kind in MODELS:
        image, input_file = (wide, "input_wide.npy") if kind == "swin_timm_wide_random" else (square, "input.npy")
        x = torch.from_numpy(image)
        grid = [image.shape[2] // 32, image.shape[3] // 32] if kind.startswith("swin") else None  # Swin's last stage
        model, layer = build(kind)
        layer_name = {module: name for name, module in model.named_modules()}[layer]
        path = OUT / f"{kind}.onnx"
        torch.onnx.export(model, x, path, opset_version=17, dynamo=False, input_names=["input"], output_names=["logits"])
        with torch.no_grad():
            torch_logits = model(x).numpy()
        logits = ort.InferenceSession(str(path)).run(None, {"input": image})[0]
        ort_error = float(np.abs(logits - torch_logits).max() / np.abs(torch_logits).max())
        assert ort_error <= 1e-4, f"{kind}: the ONNX export differs from PyTorch ({ort_error:.2e} of max)"
        np.save(OUT / f"{kind}.logits.npy", logits.astype(np.float32))
        order = np.argsort(-logits[0])
        target, margin = int(order[0]), float((logits[0, order[0]] - logits[0, order[1]]) / np.abs(logits).max())
        assert margin > 1e-3, f"{kind}: top-1 margin {margin:.2e} too close to float error"

        graph = onnx.load(path).graph
        nodes = live_nodes(graph)
        shapes = tensor_shapes(path, nodes, image)
        tensor = expected_by_module(kind, nodes, layer_name)
        by_rule, rule = automatic_layer(nodes, shapes, graph.input[0].name)
        assert tensor == by_rule, f"{kind}: module gives {tensor}, the rule {by_rule}"
        shape = shapes[tensor]
        arrangement = {"swin_timm_random": "tokens", "swin_timm_wide_random": "tokens", "swin_torchvision_random": "channels-last",
                       "convnext_timm_random": "channels-first", "levit_timm_random": "tokens"}[kind]
        reason = {
            "swin_timm_random": "Swin rule: the first feature normalisation after the last attention block, "
                                "the last block's norm2 (timm: tokens [N, 49, C], no prefix, 7 x 7)",
            "swin_timm_wide_random": "Swin rule, 224 x 320 input: the last block's norm2, tokens [N, 70, C] on a "
                                     "7 x 10 grid (the 56 x 80 patch grid halved three times), no prefix",
            "swin_torchvision_random": "Swin rule: the first feature normalisation after the last attention "
                                       "block, the last block's norm2 (torchvision: channels-last [N, 7, 7, C])",
            "convnext_timm_random": "CNN rule (no attention): the last 4-D map with more than one position, "
                                    "the last stage's residual Add; the head's pooled LayerNorm has one",
            "levit_timm_random": "LeViT rule: no feature normalisation (BatchNorm only), so the last token "
                                 "tensor as long as the last attention's sequence (16 = 4 x 4), "
                                 "the last block's MLP residual Add",
        }[kind]
        case = {"model": kind, "file": f"{kind}.onnx", "input": input_file, "layer": tensor, "module": layer_name,
                "shape": shape, "maps": grid_of(shape, arrangement, grid), "arrangement": arrangement, "rule": rule, "reason": reason,
                "target": target, "logits": f"{kind}.logits.npy", "onnxruntime_error": ort_error,
                "ops": dict(sorted(collections.Counter(node.op_type for node in nodes).items())),
                "exported_ops": dict(sorted(collections.Counter(node.op_type for node in graph.node).items()))}
        if not kind.startswith("levit"):
            transform = swin_reshape_transform(grid) if kind.startswith("swin") else None
            raw = gradcam(model, layer, x, [target], transform).astype(np.float32)
            assert list(raw.shape) == [1] + case["maps"][2:] and raw.max() > 0 and raw.std() > 1e-3 * raw.max(), raw
            np.save(OUT / f"{kind}.gradcam.npy", raw)
            case["gradcam"] = f"{kind}.gradcam.npy"
            # The reference's own float32 round-off: the same map in float64.
            model64 = copy.deepcopy(model).double()
            raw64 = gradcam(model64, model64.get_submodule(layer_name), x.double(), [target], transform)
            case["gradcam_float64_error"] = float(np.abs(raw - raw64).max() / raw64.max())
            assert case["gradcam_float64_error"] < 1e-5, case["gradcam_float64_error"]
        cases.append(case)
        print(f"{kind}: {path.stat().st_size} bytes, layer {tensor} {shape} ({rule}), class {target}, "
              f"onnxruntime {ort_error:.2e} of max, ops {case['ops']}")
    versions = {name: importlib.metadata.version(name)
                for name in ["torch", "torchvision", "timm", "grad-cam", "onnx", "onnxruntime"]}
    (OUT / "cases.json").write_text(json.dumps({"image": IMAGE, "input": "input.npy", "models": cases,
                                                "versions": versions}, indent=2) + "\n")
    total = sum(f.stat().st_size for f in OUT.iterdir())
    assert total < 5_500_000, f"fixtures are {total} bytes"  # five models of about 0.7 MB and two inputs
    print(f"total {total} bytes")


if __name__ == "__main__":
    main()
