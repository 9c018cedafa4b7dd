"""Small networks in the shapes vision transformers and modern CNNs are exported in, for make_op_fixtures.py.

Most are written as torch's exporters write a model traced at batch 1: reshape targets hold the traced
batch as a plain 1 ([1, 17, 3, 2, 4], LeViT's flatten(0, 1) as [16, 12], Swin's windows as [4, 16, 4]),
a class token expanded to the batch is a [1, 1, C] constant. These cases declare batch 1 and are run
with a batch of 3 (`run_batch`): onnxruntime runs the three items one at a time, ConvLens all three
at once, so the fixture checks that ConvLens finds which dimensions follow the batch.
"""
import numpy as np

I64 = np.int64
RUN_BATCH = 3


def linear(g, x, c_in, c_out):
    """torch.nn.Linear on tokens as TorchScript writes it: MatMul(x, Wᵀ) + b."""
    return g.op("Add", [g.op("MatMul", [x, g.weight([c_in, c_out])]), g.weight([c_out], scale=0.1)])


def layer_norm(g, x, c):
    return g.op("LayerNormalization", [x, g.weight([c], low=0.5, high=1.5), g.weight([c], scale=0.1)], axis=-1, epsilon=1e-6)


def gelu_erf(g, x):
    """GELU as TorchScript opset 17 writes it: x · 0.5 · (1 + erf(x / √2))."""
    erf = g.op("Erf", [g.op("Div", [x, g.const(np.float32(np.sqrt(2.0)))])])
    return g.op("Mul", [g.op("Mul", [x, g.op("Add", [erf, g.const(1.0)])]), g.const(0.5)])


def vit(g, x):
    # ViT with one block: 4x4 patches of a 16x16 image (16 tokens + class token, width 8, 2 heads of 4).
    h = g.conv(x, 3, 8, 4, strides=[4, 4])                                           # [1, 8, 4, 4]
    tokens = g.op("Transpose", [g.op("Reshape", [h, g.const([1, 8, 16], I64)])], perm=[0, 2, 1])  # [1, 16, 8]
    cls = g.op("Expand", [g.weight([1, 1, 8], scale=1.0), g.const([1, 1, 1], I64)])  # folded: [1, 1, 8]
    t = g.op("Add", [g.op("Concat", [cls, tokens], axis=1), g.weight([1, 17, 8], scale=0.5)])
    qkv = linear(g, layer_norm(g, t, 8), 8, 24)
    qkv = g.op("Transpose", [g.op("Reshape", [qkv, g.const([1, 17, 3, 2, 4], I64)])], perm=[2, 0, 3, 1, 4])
    q, k, v = (g.op("Squeeze", [part, g.const([0], I64)])
               for part in g.op("Split", [qkv, g.const([1, 1, 1], I64)], outputs=3, axis=0))
    scores = g.op("MatMul", [g.op("Mul", [q, g.const(0.5)]), g.op("Transpose", [k], perm=[0, 1, 3, 2])])
    attended = g.op("MatMul", [g.op("Softmax", [scores], axis=-1), v])                # [1, 2, 17, 4]
    merged = g.op("Reshape", [g.op("Transpose", [attended], perm=[0, 2, 1, 3]), g.const([1, 17, 8], I64)])
    t = g.op("Add", [t, linear(g, merged, 8, 8)])
    t = g.op("Add", [t, linear(g, gelu_erf(g, linear(g, layer_norm(g, t, 8), 8, 16)), 16, 8)])
    cls_out = g.op("Gather", [layer_norm(g, t, 8), g.const(0, I64)], axis=1)          # [1, 8]
    return g.op("Gemm", [cls_out, g.weight([10, 8]), g.weight([10], scale=0.1)], transB=1)


def levit(g, x):
    # LeViT's LinearNorm: Linear, then BatchNorm1d on x.flatten(0, 1) ([16, 12] at batch 1), reshape_as(x).
    tokens = g.op("Transpose", [g.op("Reshape", [x, g.const([1, 8, 16], I64)])], perm=[0, 2, 1])  # [1, 16, 8]
    h = g.op("MatMul", [tokens, g.weight([8, 12])])
    h = g.batch_norm(g.op("Reshape", [h, g.const([16, 12], I64)]), 12)               # [16, 12]
    h = g.op("HardSwish", [g.op("Reshape", [h, g.const([1, 16, 12], I64)])])
    return g.op("Gemm", [g.op("ReduceMean", [h], axes=[1], keepdims=0), g.weight([10, 12]), g.weight([10], scale=0.1)], transB=1)


def swin(g, x):
    # Swin window attention on an 8x8 map of 4 channels, windows of 4x4 (4 windows), with a window mask.
    h = g.op("Transpose", [x], perm=[0, 2, 3, 1])                                    # [1, 8, 8, 4]
    h = g.op("Transpose", [g.op("Reshape", [h, g.const([1, 2, 4, 2, 4, 4], I64)])], perm=[0, 1, 3, 2, 4, 5])
    windows = g.op("Reshape", [h, g.const([4, 16, 4], I64)])                         # [B·4, 16, 4]
    n = layer_norm(g, windows, 4)
    scores = g.op("MatMul", [n, g.op("Mul", [g.op("Transpose", [n], perm=[0, 2, 1]), g.const(0.5)])])  # [4, 16, 16]
    scores = g.op("Add", [g.op("Reshape", [scores, g.const([1, 4, 16, 16], I64)]), g.weight([4, 16, 16], scale=1.0)])
    probabilities = g.op("Softmax", [g.op("Reshape", [scores, g.const([4, 16, 16], I64)])], axis=-1)
    out = g.op("MatMul", [probabilities, windows])                                   # [4, 16, 4]
    out = g.op("Transpose", [g.op("Reshape", [out, g.const([1, 2, 2, 4, 4, 4], I64)])], perm=[0, 1, 3, 2, 4, 5])
    out = g.op("Reshape", [out, g.const([1, 8, 8, 4], I64)])
    return g.op("Gemm", [g.op("ReduceMean", [out], axes=[1, 2], keepdims=0), g.weight([5, 4]), g.weight([5], scale=0.1)], transB=1)


def group_norm(g, x):
    # GroupNorm(2 groups, 4 channels) as torch exports it, inside a PoolFormer-style token mixer.
    h = g.op("Reshape", [x, g.const([0, 2, -1], I64)])
    h = g.op("InstanceNormalization", [h, g.const(np.ones(2)), g.const(np.zeros(2))], epsilon=1e-5)
    h = g.op("Reshape", [h, g.const([1, 4, 5, 6], I64)])
    h = g.op("Add", [g.op("Mul", [h, g.weight([4, 1, 1], low=0.5, high=1.5)]), g.weight([4, 1, 1], scale=0.1)])
    pooled = g.op("AveragePool", [h], kernel_shape=[3, 3], pads=[1, 1, 1, 1], count_include_pad=0)
    h = g.op("Add", [x, g.op("Sub", [pooled, h])])
    return g.op("Gemm", [g.op("Flatten", [g.op("GlobalAveragePool", [h])]), g.weight([5, 4]), g.weight([5], scale=0.1)], transB=1)


def mobilevitv2_attention(g, x):
    # MobileViT-V2 separable self-attention on [B, C, P, N] = [1, 4, 2, 8].
    qkv = g.conv(x, 4, 9, 1)
    q, k, v = g.op("Split", [qkv, g.const([1, 4, 4], I64)], outputs=3, axis=1)
    scores = g.op("Softmax", [q], axis=-1)                                           # [1, 1, 2, 8]
    context = g.op("ReduceSum", [g.op("Mul", [k, scores]), g.const([-1], I64)], keepdims=1)  # [1, 4, 2, 1]
    h = g.op("Mul", [g.op("Relu", [v]), g.op("Expand", [context, g.const([1, 4, 2, 8], I64)])])
    h = g.conv(h, 4, 4, 1)
    return g.op("Gemm", [g.op("Flatten", [g.op("GlobalAveragePool", [h])]), g.weight([5, 4]), g.weight([5], scale=0.1)], transB=1)


def hrnet_fuse(g, x):
    # HRNet fuse layer: a stride-2 branch brought back by nearest Resize and added; then bilinear up to
    # sizes [1, 4, 16, 16] (the traced batch in sizes[0]).
    low = g.conv(g.op("Relu", [g.conv(x, 4, 6, 3, strides=[2, 2], pads=[1, 1, 1, 1])]), 6, 4, 1)
    up = g.op("Resize", [low, "", g.const([1, 1, 2, 2], np.float32)], mode="nearest",
              coordinate_transformation_mode="asymmetric", nearest_mode="floor")
    h = g.op("Relu", [g.op("Add", [g.conv(x, 4, 4, 1), up])])
    h = g.op("Resize", [h, "", "", g.const([1, 4, 16, 16], I64)], mode="linear", coordinate_transformation_mode="pytorch_half_pixel")
    return g.op("Gemm", [g.op("Flatten", [g.op("GlobalAveragePool", [h])]), g.weight([5, 4]), g.weight([5], scale=0.1)], transB=1)


def dynamic_batch(g, x):
    # Exported with a symbolic batch (dynamic_axes): x.view(x.size(0), -1) stays Shape -> Gather -> Concat.
    h = g.op("GlobalAveragePool", [g.op("Relu", [g.conv(x, 3, 6, 3, pads=[1, 1, 1, 1])])])
    batch = g.op("Unsqueeze", [g.op("Gather", [g.op("Shape", [h]), g.const(0, I64)], axis=0), g.const([0], I64)])
    h = g.op("Reshape", [h, g.op("Concat", [batch, g.const([-1], I64)], axis=0)])
    return g.op("Gemm", [h, g.weight([5, 6]), g.weight([5], scale=0.1)], transB=1)


def eca_and_slice_assignment(g, x):
    # ECA channel attention (GAP -> [N, 1, C] -> 1-D Conv -> Sigmoid -> scale), then MViTv2's
    # h[:, :, 1:, 1:] += 2·h[:, :, 1:, 1:] written by TorchScript as ScatterND with indices traced at batch 1.
    s = g.op("Reshape", [g.op("GlobalAveragePool", [x]), g.const([1, 1, 4], I64)])
    s = g.op("Sigmoid", [g.op("Conv", [s, g.weight([1, 1, 3])], kernel_shape=[3], pads=[1, 1])])
    h = g.op("Mul", [x, g.op("Reshape", [s, g.const([1, 4, 1, 1], I64)])])                # [1, 4, 5, 6]
    corner = g.op("Slice", [h, g.const([1, 1], I64), g.const([5, 6], I64), g.const([2, 3], I64)])  # [1, 4, 4, 5]
    grid = np.stack(np.meshgrid([0], range(4), range(1, 5), range(1, 6), indexing="ij"), axis=-1)  # [1, 4, 4, 5, 4]
    h = g.op("ScatterND", [h, g.const(grid, I64), g.op("Mul", [corner, g.const(3.0)])])
    return g.op("Gemm", [g.op("Flatten", [g.op("GlobalAveragePool", [h])]), g.weight([5, 4]), g.weight([5], scale=0.1)], transB=1)


def network_cases(Case):
    b = dict(run_batch=RUN_BATCH)
    return [
        Case("net_vit_block_batch3", "network", "one ViT block traced at batch 1 (literal reshape targets, class token "
             "folded to [1,1,8], Split/Squeeze q k v, Erf GELU, Gather of the class token), run at batch 3",
             [1, 3, 16, 16], vit, **b),
        Case("net_levit_flatten_bn_batch3", "network", "LeViT LinearNorm: MatMul, Reshape [16,12] (flatten(0,1) at batch 1), "
             "BatchNorm1d, Reshape [1,16,12], HardSwish, token mean; run at batch 3", [1, 8, 4, 4], levit, **b),
        Case("net_swin_windows_batch3", "network", "Swin window partition [1,2,4,2,4,4] -> [4,16,4] windows, masked window "
             "attention through [1,4,16,16], window reverse; run at batch 3", [1, 4, 8, 8], swin, **b),
        Case("net_groupnorm_batch3", "network", "GroupNorm as Reshape [0,2,-1] + InstanceNormalization + Reshape [1,4,5,6] + "
             "affine, PoolFormer token mixer; run at batch 3", [1, 4, 5, 6], group_norm, **b),
        Case("net_mobilevitv2_attention_batch3", "network", "MobileViT-V2 separable attention: Split, Softmax, ReduceSum, "
             "Expand to [1,4,2,8]; run at batch 3", [1, 4, 2, 8], mobilevitv2_attention, **b),
        Case("net_hrnet_fuse_batch3", "network", "HRNet fuse: nearest Resize x2 + Add, bilinear Resize to sizes [1,4,16,16]; "
             "run at batch 3", [1, 4, 8, 8], hrnet_fuse, **b),
        Case("net_eca_scatternd_batch3", "network", "ECA attention (1-D Conv over channels) and a slice assignment as ScatterND "
             "with indices traced at batch 1; run at batch 3", [1, 4, 5, 6], eca_and_slice_assignment, **b),
        Case("net_dynamic_batch_axis", "network", "exported with a symbolic batch dimension: Shape -> Gather -> Concat -> "
             "Reshape folded at load time; run at batch 3", [RUN_BATCH, 3, 6, 6], dynamic_batch, dynamic_batch=True),
    ]
