"""Whole small networks for make_op_fixtures.py: the blocks the torchvision classics are made of, plus the
two ways torch exporters write the classifier head (TorchScript: GlobalAveragePool + Flatten or a dynamic
Shape/Gather/Concat reshape; dynamo: ReduceMean with an axes input, Reshape to a constant, external data).
"""
import numpy as np

I64 = np.int64
PADS1 = [1, 1, 1, 1]


def conv_bn_relu_maxpool(g, x):
    h = g.batch_norm(g.conv(x, 3, 8, 3, pads=PADS1, bias=False), 8)
    h = g.op("Relu", [h])
    return g.op("MaxPool", [h], kernel_shape=[3, 3], strides=[2, 2], pads=PADS1)


def residual_block(g, x):
    # ResNet BasicBlock, identity shortcut: relu(bn(conv(relu(bn(conv(x))))) + x), 8 channels.
    h = g.op("Relu", [g.batch_norm(g.conv(x, 8, 8, 3, pads=PADS1, bias=False), 8)])
    h = g.batch_norm(g.conv(h, 8, 8, 3, pads=PADS1, bias=False), 8)
    return g.op("Relu", [g.op("Add", [h, x])])


def residual_downsample(g, x):
    # ResNet BasicBlock with a strided 1x1 projection shortcut, 4 -> 8 channels.
    h = g.op("Relu", [g.batch_norm(g.conv(x, 4, 8, 3, strides=[2, 2], pads=PADS1, bias=False), 8)])
    h = g.batch_norm(g.conv(h, 8, 8, 3, pads=PADS1, bias=False), 8)
    shortcut = g.batch_norm(g.conv(x, 4, 8, 1, strides=[2, 2], bias=False), 8)
    return g.op("Relu", [g.op("Add", [h, shortcut])])


def relu6(g, h):
    return g.op("Clip", [h, g.const(0.0), g.const(6.0)])


def depthwise_separable(g, x):
    # MobileNet V1 block: depthwise 3x3 stride 2 (TF-SAME pads) + BN + ReLU6, pointwise 8 -> 16 + BN + ReLU6.
    h = relu6(g, g.batch_norm(g.conv(x, 8, 8, 3, group=8, strides=[2, 2], pads=[0, 0, 1, 1], bias=False), 8))
    return relu6(g, g.batch_norm(g.conv(h, 8, 16, 1, bias=False), 16))


def inverted_residual(g, x):
    # MobileNet V2 / EfficientNet-Lite block with BN folded into the convs: expand 6 -> 18, ReLU6,
    # depthwise 3x3, ReLU6, project 18 -> 6, Add(x).
    h = relu6(g, g.conv(x, 6, 18, 1))
    h = relu6(g, g.conv(h, 18, 18, 3, group=18, pads=PADS1))
    return g.op("Add", [g.conv(h, 18, 6, 1), x])


def squeeze_excitation(g, x):
    # MobileNet V3 SE: s = HardSigmoid(conv1x1(Relu(conv1x1(GAP(x))))) [N,C,1,1]; y = x * s.
    s = g.op("GlobalAveragePool", [x])
    s = g.op("Relu", [g.conv(s, 8, 4, 1)])
    s = g.op("HardSigmoid", [g.conv(s, 4, 8, 1)], alpha=1.0 / 6.0, beta=0.5)
    return g.op("Mul", [x, s])


def mobilenet_v3_block(g, x):
    # conv 1x1 6 -> 12 + HardSwish, depthwise 3x3 stride 2 + HardSwish, SE (Relu/HardSigmoid), project 12 -> 8.
    h = g.op("HardSwish", [g.conv(x, 6, 12, 1)])
    h = g.op("HardSwish", [g.conv(h, 12, 12, 3, group=12, strides=[2, 2], pads=PADS1)])
    s = g.op("Relu", [g.conv(g.op("GlobalAveragePool", [h]), 12, 4, 1)])
    s = g.op("HardSigmoid", [g.conv(s, 4, 12, 1)], alpha=1.0 / 6.0, beta=0.5)
    return g.conv(g.op("Mul", [h, s]), 12, 8, 1)


def classifier(head):
    # conv 3x3/2 3 -> 8, Relu, global mean, flatten, Linear 8 -> 10 (Gemm transB). The three heads draw
    # the same random numbers in the same order, so with one seed they share weights and outputs.
    def build(g, x):
        h = g.op("Relu", [g.conv(x, 3, 8, 3, strides=[2, 2], pads=PADS1)])
        if head == "torchscript":
            h = g.op("Flatten", [g.op("GlobalAveragePool", [h])], axis=1)
        elif head == "dynamo":
            h = g.op("ReduceMean", [h, g.const([-1, -2], I64)], keepdims=1)        # [N, C, 1, 1]
            h = g.op("Reshape", [h, g.const([2, 8], I64)], allowzero=1)            # constant batch, as dynamo writes
        elif head == "dynamic_reshape":
            h = g.op("GlobalAveragePool", [h])                                     # [N, C, 1, 1]
            batch = g.op("Gather", [g.op("Shape", [h]), g.constant_node(0)], axis=0)  # 0-d int64
            batch = g.op("Unsqueeze", [batch, g.constant_node([0])])               # [1]
            shape = g.op("Concat", [batch, g.constant_node([-1])], axis=0)         # [N, -1]
            h = g.op("Reshape", [h, shape])
        return g.op("Gemm", [h, g.weight([10, 8]), g.weight([10], scale=0.1)], transB=1)
    return build


def network_cases(Case):
    return [
        Case("net_conv_bn_relu_maxpool", "network", "Conv 3x3 (no bias) -> BN -> Relu -> MaxPool 3/2 pads 1", [2, 3, 12, 14],
             conv_bn_relu_maxpool),
        Case("net_residual_block", "network", "ResNet BasicBlock, identity shortcut, Add + Relu", [2, 8, 7, 9], residual_block),
        Case("net_residual_downsample", "network", "ResNet BasicBlock, stride 2 with 1x1 projection shortcut", [2, 4, 8, 10],
             residual_downsample),
        Case("net_depthwise_separable_relu6", "network", "depthwise 3x3/2 + BN + ReLU6 (Clip), pointwise + BN + ReLU6",
             [2, 8, 9, 11], depthwise_separable),
        Case("net_inverted_residual", "network", "expand 1x1 + ReLU6, depthwise 3x3 + ReLU6, project 1x1, Add(x)", [2, 6, 7, 9],
             inverted_residual),
        Case("net_squeeze_excitation", "network", "GAP -> 1x1 conv -> Relu -> 1x1 conv -> HardSigmoid -> Mul(x, s)", [2, 8, 7, 9],
             squeeze_excitation),
        Case("net_mobilenet_v3_block", "network", "1x1 + HardSwish, depthwise/2 + HardSwish, SE, Mul, 1x1", [2, 6, 8, 10],
             mobilenet_v3_block),
        Case("net_classifier", "network", "conv -> Relu -> GlobalAveragePool -> Flatten -> Gemm (TorchScript export style)",
             [2, 3, 12, 14], classifier("torchscript"), seed_name="net_classifier"),
        Case("net_classifier_dynamo_opset20", "network",
             "net_classifier as the dynamo exporter writes it: ReduceMean(axes input) + Reshape [2,8] allowzero, external data",
             [2, 3, 12, 14], classifier("dynamo"), opset=20, seed_name="net_classifier", external_data=True),
        Case("net_classifier_dynamic_reshape", "network",
             "net_classifier head as TorchScript writes x.view(x.size(0), -1): Shape -> Gather -> Unsqueeze -> Concat -> Reshape",
             [2, 3, 12, 14], classifier("dynamic_reshape"), seed_name="net_classifier"),
    ]
