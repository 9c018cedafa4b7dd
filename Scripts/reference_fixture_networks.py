"""The tiny CNNs of Scripts/make_reference_fixtures.py, their seeded weights and inputs, and the ReLU rules.

Two networks, each small enough that its ONNX file is a few tens of kilobytes:
- `depthwise_relu6` [3, 64, 64]: a MobileNet-like stack of depthwise and pointwise convolutions with
  ReLU6 after the stem and the depthwise layers and plain ReLU after two pointwise layers (so the
  captum convention, rules on ReLU modules only, and ConvLens's default, rules on ReLU6 too, differ),
  global average pool, one linear layer.
- `residual` [3, 32, 32], batch of two images: a ResNet-like stem and three basic blocks (identity
  shortcut, then two with a strided 1x1 projection shortcut), residual Add then ReLU, global average
  pool, one linear layer.
Both end conv -> GAP -> flatten -> linear, so CAM applies. Batch norms carry random statistics
(folded into the convolutions by the exporter in eval mode).
"""
import numpy as np
import torch
from torch import nn


def conv_bn(cin, cout, kernel, stride=1, groups=1):
    return [nn.Conv2d(cin, cout, kernel, stride, kernel // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]


class DepthwiseNet(nn.Module):
    """[N, 3, 64, 64] -> [N, 10]. `features.20` (a ReLU) is the CAM layer [64, 8, 8]; `features.11` (a
    ReLU6) an intermediate tensor [32, 16, 16]."""

    cam_module = "features.20"
    intermediate_module = "features.11"
    relu6_gain = 4.0  # BN scale before the ReLU6 units, so that some inputs pass 6 and the upper mask matters

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            *conv_bn(3, 16, 3, 2), nn.ReLU6(),                 # 0-2    [16, 32, 32]
            *conv_bn(16, 16, 3, 1, groups=16), nn.ReLU6(),     # 3-5    depthwise
            *conv_bn(16, 32, 1), nn.ReLU(),                    # 6-8    pointwise [32, 32, 32]
            *conv_bn(32, 32, 3, 2, groups=32), nn.ReLU6(),     # 9-11   depthwise [32, 16, 16]
            *conv_bn(32, 48, 1), nn.ReLU6(),                   # 12-14  [48, 16, 16]
            *conv_bn(48, 48, 3, 2, groups=48), nn.ReLU6(),     # 15-17  depthwise [48, 8, 8]
            *conv_bn(48, 64, 1), nn.ReLU(),                    # 18-20  [64, 8, 8]
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(64, 10)

    def forward(self, x):
        return self.classifier(torch.flatten(self.pool(self.features(x)), 1))


class BasicBlock(nn.Module):
    """ReLU(BN(conv(ReLU(BN(conv(x))))) + shortcut(x)), the shortcut an identity or a strided 1x1 conv + BN."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1, self.bn1 = conv_bn(cin, cout, 3, stride)
        self.relu1 = nn.ReLU()
        self.conv2, self.bn2 = conv_bn(cout, cout, 3)
        self.shortcut = nn.Sequential() if stride == 1 and cin == cout else nn.Sequential(*conv_bn(cin, cout, 1, stride))
        self.relu2 = nn.ReLU()

    def forward(self, x):
        return self.relu2(self.bn2(self.conv2(self.relu1(self.bn1(self.conv1(x))))) + self.shortcut(x))


class ResidualNet(nn.Module):
    """[N, 3, 32, 32] -> [N, 10]. `layer3.relu2` is the CAM layer [32, 8, 8]; `layer2.relu2` (after the
    residual Add with the projection shortcut) an intermediate tensor [32, 16, 16]."""

    cam_module = "layer3.relu2"
    intermediate_module = "layer2.relu2"
    relu6_gain = 1.0

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(*conv_bn(3, 16, 3), nn.ReLU())
        self.layer1 = BasicBlock(16, 16, 1)  # [16, 32, 32]
        self.layer2 = BasicBlock(16, 32, 2)  # [32, 16, 16]
        self.layer3 = BasicBlock(32, 32, 2)  # [32, 8, 8]
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.layer3(self.layer2(self.layer1(self.stem(x))))), 1))


def randomise_batch_norms(model, seed):
    """Random eval-mode statistics and affine parameters; BNs feeding a ReLU6 get `relu6_gain`."""
    generator = torch.Generator().manual_seed(seed)
    modules = list(model.named_modules())
    for index, (_, module) in enumerate(modules):
        if not isinstance(module, nn.BatchNorm2d):
            continue
        following = modules[index + 1][1] if index + 1 < len(modules) else None
        gain = model.relu6_gain if isinstance(following, nn.ReLU6) else 1.0
        n = module.num_features
        with torch.no_grad():
            module.running_mean.copy_(0.2 * torch.randn(n, generator=generator))
            module.running_var.copy_(0.5 + torch.rand(n, generator=generator))
            module.weight.copy_(gain * (0.5 + torch.rand(n, generator=generator)))
            module.bias.copy_(0.1 + 0.3 * torch.randn(n, generator=generator))


def build(kind, seed):
    """The network `kind` with weights from torch.manual_seed(seed) (PyTorch's default initialisers), in eval mode."""
    torch.manual_seed(seed)
    model = {"depthwise_relu6": DepthwiseNet, "residual": ResidualNet}[kind]()
    randomise_batch_norms(model, seed + 1)
    return model.eval()


def smooth_images(count, size, seed):
    """[count, 3, size, size] float32: a few coloured Gaussian blobs plus a little pixel noise per image,
    standardised to mean 0 and standard deviation 1 (like a normalised photo, but synthetic)."""
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float64)
    images = []
    for _ in range(count):
        image = np.zeros((3, size, size))
        for _ in range(5):
            cy, cx = rng.uniform(0, size, 2)
            radius = rng.uniform(0.08, 0.3) * size
            blob = np.exp(-((ys - cy) ** 2 + (xs - cx) ** 2) / (2 * radius ** 2))
            image += rng.normal(0, 1, (3, 1, 1)) * blob
        image += 0.05 * rng.normal(size=image.shape)
        images.append((image - image.mean()) / image.std())
    return np.asarray(images, dtype=np.float32)


class RuleUnit(nn.Module):
    """A ReLU (upper None) or ReLU6 (upper 6) whose backward follows one of Springenberg et al.'s (2014,
    Fig. 1) rules with forward input f and incoming gradient R:
    standard R·1[f in (0, upper)], guided R·1[f in (0, upper)]·1[R > 0], deconvnet R·1[R > 0]."""

    def __init__(self, upper, rule):
        super().__init__()
        self.upper, self.rule = upper, rule

    def forward(self, x):
        return _RuleFunction.apply(x, self.upper, self.rule)


class _RuleFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, upper, rule):
        ctx.save_for_backward(x)
        ctx.upper, ctx.rule = upper, rule
        return x.clamp(0, upper) if upper is not None else x.clamp(min=0)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        mask = (x > 0) & (x < ctx.upper) if ctx.upper is not None else x > 0
        if ctx.rule == "standard":
            result = grad * mask
        elif ctx.rule == "guided":
            result = grad * mask * (grad > 0)
        elif ctx.rule == "deconvnet":
            result = grad.clamp(min=0)
        else:
            raise ValueError(ctx.rule)
        return result, None, None


def with_rule(model, rule, applies_to_relu6):
    """A copy of `model` whose ReLU (and, if asked, ReLU6) modules follow `rule` backward."""
    import copy
    clone = copy.deepcopy(model)
    for name, module in list(clone.named_modules()):
        if type(module) is nn.ReLU or (applies_to_relu6 and type(module) is nn.ReLU6):
            upper = 6.0 if type(module) is nn.ReLU6 else None
            parent = clone.get_submodule(name.rpartition(".")[0]) if "." in name else clone
            setattr(parent, name.rpartition(".")[2], RuleUnit(upper, rule))
    return clone.eval()
