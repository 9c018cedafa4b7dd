"""The single-op fixture cases of make_op_fixtures.py (whole networks: op_fixture_networks.py).

Each case is Case(name, op, description, x_shape, build, opset=17, tolerance=1e-4, x_scale, x_offset);
`build(g, x)` adds nodes to the GraphBuilder `g` and returns the output name(s). Binary ops also get
cases where both operands are runtime tensors derived from x (e.g. Add(Relu(x), x)).
"""
import numpy as np

I64 = np.int64
INT64_MAX = np.iinfo(np.int64).max
INT64_MIN = np.iinfo(np.int64).min
# LRN raises (bias + alpha/size * sum of squares) to a fractional power: libraries go through exp/log or
# rsqrt paths whose float32 rounding differs more than a sum's does, so it gets twice the default.
LRN_TOLERANCE = 2e-4


def conv_cases(Case):
    X = [2, 4, 7, 9]
    c = lambda c_in=4, c_out=6, k=3, **kw: (lambda g, x: g.conv(x, c_in, c_out, k, **kw))
    return [
        Case("conv_basic", "Conv", "3x3, pads 1, bias", X, c(pads=[1, 1, 1, 1])),
        Case("conv_basic_opset13", "Conv", "3x3, pads 1, bias, opset 13", X, c(pads=[1, 1, 1, 1]), opset=13),
        Case("conv_no_bias", "Conv", "3x3, no pads, no bias input", X, c(bias=False)),
        Case("conv_1x1", "Conv", "1x1 pointwise, 4->8", X, c(c_out=8, k=1)),
        Case("conv_grouped", "Conv", "group 2, 6->8, pads 1", [2, 6, 7, 9], c(c_in=6, c_out=8, group=2, pads=[1, 1, 1, 1])),
        Case("conv_grouped_asym_pads", "Conv", "group 3, 6->9, stride 2, pads [0,1,2,1]", [2, 6, 7, 9],
             c(c_in=6, c_out=9, group=3, strides=[2, 2], pads=[0, 1, 2, 1])),
        Case("conv_depthwise", "Conv", "depthwise 3x3 (group = C = 6), pads 1", [2, 6, 7, 9],
             c(c_in=6, c_out=6, group=6, pads=[1, 1, 1, 1])),
        Case("conv_depthwise_stride2_asym", "Conv", "depthwise 3x3 stride 2, TF-SAME pads [0,0,1,1]", [2, 6, 8, 10],
             c(c_in=6, c_out=6, group=6, strides=[2, 2], pads=[0, 0, 1, 1])),
        Case("conv_depthwise_5x5", "Conv", "depthwise 5x5 stride 2 pads 2, no bias", [2, 6, 9, 11],
             c(c_in=6, c_out=6, k=5, group=6, strides=[2, 2], pads=[2, 2, 2, 2], bias=False)),
        Case("conv_depthwise_multiplier", "Conv", "group 6, 6->12 (channel multiplier 2)", [2, 6, 7, 9],
             c(c_in=6, c_out=12, group=6, pads=[1, 1, 1, 1])),
        Case("conv_strided", "Conv", "3x3 stride 2 pads 1", X, c(strides=[2, 2], pads=[1, 1, 1, 1])),
        Case("conv_dilated", "Conv", "3x3 dilations 2 pads 2", X, c(dilations=[2, 2], pads=[2, 2, 2, 2])),
        Case("conv_asym_pads", "Conv", "3x3 stride 2, asymmetric pads [0,1,2,1] (begin h,w, end h,w)", X,
             c(strides=[2, 2], pads=[0, 1, 2, 1])),
        Case("conv_rect_kernel", "Conv", "kernel [1,3], strides [2,1], pads [0,1,0,1]", X,
             c(k=[1, 3], strides=[2, 1], pads=[0, 1, 0, 1])),
        Case("conv_same_upper", "Conv", "auto_pad SAME_UPPER, 3x3 stride 2 on 8x10 (odd total pad: extra at end)",
             [2, 4, 8, 10], c(strides=[2, 2], auto_pad="SAME_UPPER")),
        Case("conv_same_lower", "Conv", "auto_pad SAME_LOWER, 3x3 stride 2 on 8x10 (odd total pad: extra at begin)",
             [2, 4, 8, 10], c(strides=[2, 2], auto_pad="SAME_LOWER")),
        Case("conv_same_upper_k2", "Conv", "auto_pad SAME_UPPER, 2x2 stride 1", X, c(k=2, auto_pad="SAME_UPPER")),
        Case("conv_valid", "Conv", "auto_pad VALID, 3x3 stride 2", X, c(strides=[2, 2], auto_pad="VALID")),
    ]


def activation_cases(Case):
    X = [2, 4, 7, 9]
    u = lambda op, **kw: (lambda g, x: g.op(op, [x], **kw))
    clip = lambda lo, hi: (lambda g, x: g.op("Clip", [x, g.const(lo) if lo is not None else "", g.const(hi) if hi is not None else ""]))
    return [
        Case("batchnorm", "BatchNormalization", "inference, epsilon default 1e-5", X, lambda g, x: g.batch_norm(x, 4)),
        Case("batchnorm_epsilon", "BatchNormalization", "inference, epsilon 0.1 (small variances so it matters)", X,
             lambda g, x: g.op("BatchNormalization", [x, g.weight([4], low=0.5, high=1.5), g.weight([4], scale=0.1),
                                                     g.weight([4], scale=0.1), g.weight([4], low=0.01, high=0.2)], epsilon=0.1)),
        Case("batchnorm_opset13", "BatchNormalization", "inference, opset 13 (before training_mode)", X,
             lambda g, x: g.batch_norm(x, 4), opset=13),
        Case("relu", "Relu", "max(x, 0)", X, u("Relu")),
        Case("clip_relu6", "Clip", "min 0, max 6 as initializer inputs (ReLU6)", X, clip(0.0, 6.0), x_scale=5.0),
        Case("clip_relu6_opset13", "Clip", "min 0, max 6 as inputs, opset 13", X, clip(0.0, 6.0), x_scale=5.0, opset=13),
        Case("clip_min_only", "Clip", "min -0.5 only, max omitted (empty input name)", X, clip(-0.5, None)),
        Case("clip_max_only", "Clip", "min omitted (empty name), max 0.5", X, clip(None, 0.5)),
        Case("clip_constant_nodes", "Clip", "min 0 / max 6 from Constant nodes, as TorchScript export writes", X,
             lambda g, x: g.op("Clip", [x, g.constant_node(0.0, np.float32), g.constant_node(6.0, np.float32)]), x_scale=5.0),
        Case("leakyrelu_default", "LeakyRelu", "alpha default 0.01", X, u("LeakyRelu")),
        Case("leakyrelu_alpha", "LeakyRelu", "alpha 0.2", X, u("LeakyRelu", alpha=0.2)),
        Case("prelu_per_channel", "PRelu", "slope [C,1,1]", X, lambda g, x: g.op("PRelu", [x, g.weight([4, 1, 1], low=-0.5, high=0.5)])),
        Case("prelu_scalar", "PRelu", "slope [1] shared by all channels", X, lambda g, x: g.op("PRelu", [x, g.const([0.25])])),
        Case("sigmoid", "Sigmoid", "1/(1+exp(-x))", X, u("Sigmoid"), x_scale=4.0),
        Case("hardsigmoid_default", "HardSigmoid", "alpha 0.2, beta 0.5 (ONNX defaults)", X, u("HardSigmoid"), x_scale=4.0),
        Case("hardsigmoid_torch", "HardSigmoid", "alpha 1/6, beta 0.5 (torch Hardsigmoid export)", X,
             u("HardSigmoid", alpha=1.0 / 6.0, beta=0.5), x_scale=4.0),
        Case("hardswish", "HardSwish", "x * max(0, min(1, x/6 + 1/2))", X, u("HardSwish"), x_scale=4.0),
        Case("tanh", "Tanh", "tanh(x)", X, u("Tanh"), x_scale=2.0),
        Case("dropout", "Dropout", "inference (ratio input 0.5, no training_mode): identity", X,
             lambda g, x: g.op("Dropout", [x, g.const(0.5)])),
        Case("dropout_opset13", "Dropout", "inference, no ratio input, opset 13: identity", X, u("Dropout"), opset=13),
        Case("identity", "Identity", "identity on the graph input", X, u("Identity")),
        Case("identity_initializer", "Identity", "Identity of an initializer [C,1,1] added to x (folded at load)", X,
             lambda g, x: g.op("Add", [x, g.op("Identity", [g.weight([4, 1, 1], scale=1.0)])])),
        Case("lrn", "LRN", "size 5, alpha 1e-4, beta 0.75, bias 2 (AlexNet)", [2, 8, 5, 6],
             lambda g, x: g.op("LRN", [x], size=5, alpha=1e-4, beta=0.75, bias=2.0), x_scale=3.0, tolerance=LRN_TOLERANCE),
        Case("lrn_strong", "LRN", "size 5, alpha 0.5, beta 0.75, bias 1 on 7 channels (edges matter)", [2, 7, 5, 6],
             lambda g, x: g.op("LRN", [x], size=5, alpha=0.5, beta=0.75, bias=1.0), x_scale=2.0, tolerance=LRN_TOLERANCE),
        Case("lrn_size3", "LRN", "size 3, alpha 0.3, beta 0.5, bias 1.5", [2, 6, 5, 6],
             lambda g, x: g.op("LRN", [x], size=3, alpha=0.3, beta=0.5, bias=1.5), x_scale=2.0, tolerance=LRN_TOLERANCE),
    ]


def binary_cases(Case):
    X = [2, 4, 7, 9]
    cases = []
    for op in ["Add", "Sub", "Mul", "Div"]:
        lo = op.lower()
        # Divisors stay away from 0: initializers in +-[0.5, 2], runtime divisors Sigmoid(.) + 0.5.
        w = (lambda g, shape, op=op: g.const(np.sign(g.rng.uniform(-1, 1, shape)) * g.rng.uniform(0.5, 2.0, shape))
             if op == "Div" else g.weight(shape, scale=1.0))
        runtime_divisor = lambda g, t: g.op("Add", [g.op("Sigmoid", [t]), g.const(0.5)])
        rhs_same = (lambda g, x: runtime_divisor(g, x)) if op == "Div" else (lambda g, x: g.op("Relu", [x]))
        rhs_gap = ((lambda g, x: runtime_divisor(g, g.op("GlobalAveragePool", [x]))) if op == "Div"
                   else (lambda g, x: g.op("GlobalAveragePool", [x])))
        cases += [
            Case(f"{lo}_same_shape", op, f"{op}(x, f(x)), both runtime [N,C,H,W]", X,
                 lambda g, x, op=op, r=rhs_same: g.op(op, [x, r(g, x)])),
            Case(f"{lo}_bcast_c11", op, f"{op}(x [N,C,H,W], initializer [C,1,1])", X,
                 lambda g, x, op=op, w=w: g.op(op, [x, w(g, [4, 1, 1])])),
            Case(f"{lo}_bcast_1c11", op, f"{op}(x, initializer [1,C,1,1])", X,
                 lambda g, x, op=op, w=w: g.op(op, [x, w(g, [1, 4, 1, 1])])),
            Case(f"{lo}_scalar", op, f"{op}(x, 0-d scalar initializer)", X,
                 lambda g, x, op=op, w=w: g.op(op, [x, w(g, [])])),
            Case(f"{lo}_bcast_left", op, f"{op}(initializer [C,1,1], x): broadcast first operand", X,
                 (lambda g, x, op=op, w=w: g.op(op, [w(g, [4, 1, 1]), x])) if op != "Div"
                 else (lambda g, x: g.op("Div", [g.weight([4, 1, 1], scale=1.0), runtime_divisor(g, x)]))),
            Case(f"{lo}_bcast_gap", op, f"{op}(x, [N,C,1,1] from a GlobalAveragePool branch)", X,
                 lambda g, x, op=op, r=rhs_gap: g.op(op, [x, r(g, x)])),
        ]
    cases += [
        Case("add_bcast_last_axis", "Add", "Add(x, initializer [W])", X, lambda g, x: g.op("Add", [x, g.weight([9], scale=1.0)])),
        Case("add_bcast_hw", "Add", "Add(x, initializer [1,1,H,W])", X, lambda g, x: g.op("Add", [x, g.weight([1, 1, 7, 9], scale=1.0)])),
        Case("mul_squeeze_excitation", "Mul", "Mul(Sigmoid(GAP(x)) [N,C,1,1], x): scale first", X,
             lambda g, x: g.op("Mul", [g.op("Sigmoid", [g.op("GlobalAveragePool", [x])]), x])),
        Case("add_opset13", "Add", "Add(x, [C,1,1]) at opset 13", X, lambda g, x: g.op("Add", [x, g.weight([4, 1, 1], scale=1.0)]), opset=13),
    ]
    return cases


def pool_cases(Case):
    X, X8 = [2, 3, 7, 9], [2, 3, 8, 10]
    mp = lambda **kw: (lambda g, x: g.op("MaxPool", [x], **kw))
    ap = lambda **kw: (lambda g, x: g.op("AveragePool", [x], **kw))
    return [
        Case("maxpool_k3_s2", "MaxPool", "kernel 3 stride 2, no pads", X, mp(kernel_shape=[3, 3], strides=[2, 2])),
        Case("maxpool_k3_s2_pads", "MaxPool", "kernel 3 stride 2 pads 1 (ResNet stem)", X, mp(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])),
        Case("maxpool_default_strides", "MaxPool", "kernel 2, strides default 1", X, mp(kernel_shape=[2, 2])),
        Case("maxpool_ceil_mode", "MaxPool", "kernel 3 stride 2 ceil_mode 1 on 8x10", X8, mp(kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)),
        Case("maxpool_ceil_mode_pads", "MaxPool", "kernel 3 stride 2 pads 1 ceil_mode 1 on 8x10", X8,
             mp(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1)),
        Case("maxpool_ceil_drop_last", "MaxPool", "kernel 2 stride 2 pads 1 ceil_mode 1 on 9x11: a window that would start in the "
             "end padding is dropped (5x6 as PyTorch/onnxruntime; onnx shape inference says 6x7)", [2, 3, 9, 11],
             mp(kernel_shape=[2, 2], strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1), declare_output_shapes=False),
        Case("maxpool_dilations", "MaxPool", "kernel 2 dilations 2 stride 1", X, mp(kernel_shape=[2, 2], dilations=[2, 2])),
        Case("maxpool_asym_pads_rect", "MaxPool", "kernel [2,3] strides [2,2] pads [0,1,1,0]", X,
             mp(kernel_shape=[2, 3], strides=[2, 2], pads=[0, 1, 1, 0])),
        Case("maxpool_same_upper", "MaxPool", "kernel 3 stride 2 auto_pad SAME_UPPER on 8x10", X8,
             mp(kernel_shape=[3, 3], strides=[2, 2], auto_pad="SAME_UPPER")),
        Case("maxpool_opset13", "MaxPool", "kernel 3 stride 2 pads 1, opset 13", X, mp(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]), opset=13),
        Case("avgpool_k3_s2", "AveragePool", "kernel 3 stride 2, no pads", X, ap(kernel_shape=[3, 3], strides=[2, 2])),
        Case("avgpool_pads_exclude", "AveragePool", "kernel 3 stride 1 pads 1, count_include_pad 0", X,
             ap(kernel_shape=[3, 3], pads=[1, 1, 1, 1], count_include_pad=0)),
        Case("avgpool_pads_include", "AveragePool", "kernel 3 stride 1 pads 1, count_include_pad 1", X,
             ap(kernel_shape=[3, 3], pads=[1, 1, 1, 1], count_include_pad=1)),
        Case("avgpool_ceil_exclude", "AveragePool", "kernel 3 stride 2 ceil_mode 1 on 8x10, count_include_pad 0", X8,
             ap(kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)),
        Case("avgpool_ceil_pads_include", "AveragePool", "kernel 3 stride 2 pads 1 ceil_mode 1, count_include_pad 1 on 8x10: the "
             "divisor counts pads but not the part of the last window past them (PyTorch/onnxruntime)", X8,
             ap(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1, count_include_pad=1)),
        Case("avgpool_ceil_drop_last", "AveragePool", "kernel 2 stride 2 pads 1 ceil_mode 1 count_include_pad 1 on 9x11: window "
             "starting in the end padding dropped; divisor counts pads, not the ceil overhang", [2, 3, 9, 11],
             ap(kernel_shape=[2, 2], strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1, count_include_pad=1),
             declare_output_shapes=False),
        Case("avgpool_asym_pads", "AveragePool", "kernel 2 stride 2 pads [0,0,1,1], count_include_pad 0", X,
             ap(kernel_shape=[2, 2], strides=[2, 2], pads=[0, 0, 1, 1])),
        Case("avgpool_same_upper", "AveragePool", "kernel 3 stride 2 auto_pad SAME_UPPER on 8x10 (pads excluded)", X8,
             ap(kernel_shape=[3, 3], strides=[2, 2], auto_pad="SAME_UPPER")),
        Case("avgpool_dilations_opset19", "AveragePool", "kernel 2 dilations 2 (attribute new in opset 19)", X,
             ap(kernel_shape=[2, 2], dilations=[2, 2]), opset=19),
        Case("avgpool_opset13", "AveragePool", "kernel 3 stride 2 pads 1 count_include_pad 0, opset 13", X,
             ap(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]), opset=13),
        Case("globalaveragepool", "GlobalAveragePool", "mean over H, W -> [N,C,1,1]", X, lambda g, x: g.op("GlobalAveragePool", [x])),
        Case("globalmaxpool", "GlobalMaxPool", "max over H, W -> [N,C,1,1]", X, lambda g, x: g.op("GlobalMaxPool", [x])),
    ]


def matrix_cases(Case):
    gemm = lambda b_shape, c_shape=None, **kw: (lambda g, x: g.op(
        "Gemm", [x, g.weight(b_shape, scale=0.4)] + ([g.weight(c_shape, scale=1.0)] if c_shape is not None else []), **kw))
    mm = lambda w_shape: (lambda g, x: g.op("MatMul", [x, g.weight(w_shape, scale=0.4)]))
    return [
        Case("gemm_transb_bias_n", "Gemm", "x [2,8] * B^T, B [5,8] (transB 1), bias [5]: torch Linear", [2, 8], gemm([5, 8], [5], transB=1)),
        Case("gemm_bias_1n", "Gemm", "B [8,5], bias [1,5]", [2, 8], gemm([8, 5], [1, 5])),
        Case("gemm_bias_scalar", "Gemm", "B [8,5], 0-d scalar bias", [2, 8], gemm([8, 5], [])),
        Case("gemm_bias_m1", "Gemm", "B [8,5], bias [2,1] (broadcast along columns)", [2, 8], gemm([8, 5], [2, 1])),
        Case("gemm_bias_mn", "Gemm", "B [8,5], full bias [2,5]", [2, 8], gemm([8, 5], [2, 5])),
        Case("gemm_alpha_beta", "Gemm", "alpha 0.5, beta 2, transB 1, bias [5]", [2, 8], gemm([5, 8], [5], transB=1, alpha=0.5, beta=2.0)),
        Case("gemm_transa", "Gemm", "x [8,2] transA 1, B [8,5], bias [5]", [8, 2], gemm([8, 5], [5], transA=1)),
        Case("gemm_transa_transb", "Gemm", "x [8,2] transA 1, B [5,8] transB 1, no bias", [8, 2], gemm([5, 8], None, transA=1, transB=1)),
        Case("gemm_no_bias", "Gemm", "B [8,5], no C input", [2, 8], gemm([8, 5])),
        Case("gemm_runtime_b", "Gemm", "Gemm(x, Relu(x), transB 1): both operands runtime", [3, 8],
             lambda g, x: g.op("Gemm", [x, g.op("Relu", [x])], transB=1)),
        Case("gemm_opset13", "Gemm", "transB 1, bias [5], opset 13", [2, 8], gemm([5, 8], [5], transB=1), opset=13),
        Case("matmul_2d", "MatMul", "[2,8] x [8,5]", [2, 8], mm([8, 5])),
        Case("matmul_batched", "MatMul", "[2,3,8] x [8,5]", [2, 3, 8], mm([8, 5])),
        Case("matmul_4d", "MatMul", "[2,3,4,6] x [6,5]", [2, 3, 4, 6], mm([6, 5])),
        Case("matmul_batched_both", "MatMul", "[2,3,8] x initializer [2,8,5]", [2, 3, 8], mm([2, 8, 5])),
        Case("matmul_runtime", "MatMul", "MatMul(x [2,3,8], Transpose(x) [2,8,3]): both runtime", [2, 3, 8],
             lambda g, x: g.op("MatMul", [x, g.op("Transpose", [x], perm=[0, 2, 1])])),
    ]


def shape_cases(Case):
    X = [2, 4, 6, 5]
    fl = lambda **kw: (lambda g, x: g.op("Flatten", [x], **kw))
    rs = lambda shape, **kw: (lambda g, x: g.op("Reshape", [x, g.const(shape, I64)], **kw))
    tr = lambda **kw: (lambda g, x: g.op("Transpose", [x], **kw))
    return [
        Case("flatten_axis1", "Flatten", "axis 1 -> [2,120]", X, fl(axis=1)),
        Case("flatten_axis2", "Flatten", "axis 2 -> [8,30]", X, fl(axis=2)),
        Case("flatten_axis0", "Flatten", "axis 0 -> [1,240]", X, fl(axis=0)),
        Case("flatten_default", "Flatten", "no axis attribute (default 1)", X, fl()),
        Case("flatten_axis_neg1", "Flatten", "axis -1 -> [48,5]", X, fl(axis=-1)),
        Case("reshape_zero_minus1", "Reshape", "shape [0,-1]: 0 copies the batch", X, rs([0, -1])),
        Case("reshape_zeros_inner", "Reshape", "shape [0,0,-1,3]", X, rs([0, 0, -1, 3])),
        Case("reshape_const", "Reshape", "shape [2,12,10] (all given)", X, rs([2, 12, 10])),
        Case("reshape_allowzero", "Reshape", "allowzero 1 with shape [2,-1,5] (opset 14+ attribute)", X, rs([2, -1, 5], allowzero=1)),
        Case("reshape_opset13", "Reshape", "shape [0,-1], opset 13 (no allowzero)", X, rs([0, -1]), opset=13),
        Case("reshape_opset21", "Reshape", "shape [0,-1], opset 21 (the newest the engine supports)", X, rs([0, -1]), opset=21),
        Case("transpose_nhwc", "Transpose", "perm [0,2,3,1]", X, tr(perm=[0, 2, 3, 1])),
        Case("transpose_hw", "Transpose", "perm [0,1,3,2]", X, tr(perm=[0, 1, 3, 2])),
        Case("transpose_default", "Transpose", "no perm: reverse all axes", X, tr()),
        Case("transpose_3d", "Transpose", "perm [1,0,2] on [2,3,5]", [2, 3, 5], tr(perm=[1, 0, 2])),
        Case("concat_axis1", "Concat", "axis 1: x, Relu(x), initializer [2,2,6,5]", X,
             lambda g, x: g.op("Concat", [x, g.op("Relu", [x]), g.weight([2, 2, 6, 5], scale=1.0)], axis=1)),
        Case("concat_axis2", "Concat", "axis 2: x, Sigmoid(x)", X, lambda g, x: g.op("Concat", [x, g.op("Sigmoid", [x])], axis=2)),
        Case("concat_axis_neg1", "Concat", "axis -1: x, Tanh(x), x", X,
             lambda g, x: g.op("Concat", [x, g.op("Tanh", [x]), x], axis=-1)),
        Case("concat_opset13", "Concat", "axis 1: x, Relu(x), opset 13", X, lambda g, x: g.op("Concat", [x, g.op("Relu", [x])], axis=1), opset=13),
    ]


def split_slice_pad_cases(Case):
    X6 = [2, 6, 7, 9]
    sp = lambda n, split=None, **kw: (lambda g, x: g.op("Split", [x] + ([g.const(split, I64)] if split else []), outputs=n, **kw))

    def sl(starts, ends, axes=None, steps=None):
        def build(g, x):
            inputs = [x, g.const(starts, I64), g.const(ends, I64)]
            if axes is not None or steps is not None:
                inputs.append(g.const(axes, I64) if axes is not None else "")
            if steps is not None:
                inputs.append(g.const(steps, I64))
            return g.op("Slice", inputs)
        return build

    def pad(pads, mode=None, value=None, axes=None):
        def build(g, x):
            inputs = [x, g.const(pads, I64)]
            if value is not None or axes is not None:
                inputs.append(g.const(value) if value is not None else "")
            if axes is not None:
                inputs.append(g.const(axes, I64))
            return g.op("Pad", inputs, **({"mode": mode} if mode else {}))
        return build

    P = [2, 3, 5, 6]
    pads = [0, 0, 1, 2, 0, 0, 2, 1]   # [begin N, C, H, W, end N, C, H, W]
    return [
        Case("split_equal_opset13", "Split", "axis 1 into 2 equal parts (no split input), opset 13", X6, sp(2, axis=1), opset=13),
        Case("split_sizes_opset13", "Split", "axis 1, split input [1,5], opset 13", X6, sp(2, [1, 5], axis=1), opset=13),
        Case("split_sizes", "Split", "axis 1, split input [2,1,3]", X6, sp(3, [2, 1, 3], axis=1)),
        Case("split_axis2", "Split", "axis 2, split input [3,4]", X6, sp(2, [3, 4], axis=2)),
        Case("split_axis_neg1_equal", "Split", "axis -1 into 3 equal parts (no split input)", X6, sp(3, axis=-1)),
        Case("split_num_outputs_opset18", "Split", "axis 1, num_outputs 3 (attribute new in opset 18)", X6,
             sp(3, axis=1, num_outputs=3), opset=18),
        Case("split_num_outputs_uneven_opset18", "Split", "axis 1 of 7 channels, num_outputs 3 -> [3,3,1]", [2, 7, 5, 6],
             sp(3, axis=1, num_outputs=3), opset=18),
        Case("split_sizes_opset18", "Split", "axis 1, split input [4,2], opset 18", X6, sp(2, [4, 2], axis=1), opset=18),
        Case("slice_basic", "Slice", "axes [1] starts [1] ends [5]", X6, sl([1], [5], [1])),
        Case("slice_negative", "Slice", "axes [2,3] starts [-5,-3] ends [-1,1000] (clamped)", X6, sl([-5, -3], [-1, 1000], [2, 3])),
        Case("slice_steps2", "Slice", "axes [2,3] starts [0,1] ends [7,9] steps [2,2]", X6, sl([0, 1], [7, 9], [2, 3], [2, 2])),
        Case("slice_axes_negative", "Slice", "axes [-1] starts [2] ends [-2] (axes subset, negative axis)", X6, sl([2], [-2], [-1])),
        Case("slice_int64_max", "Slice", "axes [2] starts [3] ends INT64_MAX (as torch writes x[:, :, 3:])", X6, sl([3], [INT64_MAX], [2])),
        Case("slice_no_axes", "Slice", "starts/ends for all 4 axes, no axes/steps inputs", X6, sl([0, 1, 2, 0], [2, 4, 6, 8])),
        Case("slice_negative_step", "Slice", "axes [3] starts [-1] ends INT64_MIN steps [-1]: reverse W", X6,
             sl([-1], [INT64_MIN], [3], [-1])),
        Case("slice_opset13", "Slice", "axes [1,3] starts [1,2] ends [5,8] steps [1,3], opset 13", X6, sl([1, 2], [5, 8], [1, 3], [1, 3]), opset=13),
        Case("pad_constant", "Pad", "pads input [0,0,1,2,0,0,2,1], constant_value input 0.5", P, pad(pads, value=0.5)),
        Case("pad_constant_default", "Pad", "pads input, no constant_value (zero), mode default", P, pad(pads)),
        Case("pad_reflect", "Pad", "mode reflect, pads [0,0,1,2,0,0,2,1]", P, pad(pads, mode="reflect")),
        Case("pad_edge", "Pad", "mode edge, pads [0,0,1,2,0,0,2,1]", P, pad(pads, mode="edge")),
        Case("pad_constant_opset13", "Pad", "pads input, constant_value 0.25, opset 13", P, pad(pads, value=0.25), opset=13),
        Case("pad_axes_opset18", "Pad", "axes input [2,3] (new in opset 18) with pads [1,2,2,1], value -1", P,
             pad([1, 2, 2, 1], value=-1.0, axes=[2, 3]), opset=18),
        Case("pad_reflect_opset19", "Pad", "mode reflect, opset 19", P, pad(pads, mode="reflect"), opset=19),
        Case("pad_edge_opset21", "Pad", "mode edge, opset 21", P, pad(pads, mode="edge"), opset=21),
    ]


def reduce_softmax_cases(Case):
    X = [2, 4, 5, 6]
    rm13 = lambda axes, keepdims: (lambda g, x: g.op("ReduceMean", [x], axes=axes, keepdims=keepdims))
    rm18 = lambda axes, keepdims: (lambda g, x: g.op("ReduceMean", [x, g.const(axes, I64)], keepdims=keepdims))
    sm = lambda op, **kw: (lambda g, x: g.op(op, [x], **kw))
    return [
        Case("reducemean_opset13_keepdims1", "ReduceMean", "axes attribute [2,3], keepdims 1, opset 13", X, rm13([2, 3], 1), opset=13),
        Case("reducemean_opset13_keepdims0", "ReduceMean", "axes attribute [2,3], keepdims 0, opset 13", X, rm13([2, 3], 0), opset=13),
        Case("reducemean_opset17_axis1", "ReduceMean", "axes attribute [1] (channel mean), keepdims 1, opset 17", X, rm13([1], 1)),
        Case("reducemean_opset18_keepdims1", "ReduceMean", "axes input [2,3], keepdims 1, opset 18", X, rm18([2, 3], 1), opset=18),
        Case("reducemean_opset18_keepdims0", "ReduceMean", "axes input [2,3], keepdims 0, opset 18", X, rm18([2, 3], 0), opset=18),
        Case("reducemean_opset20_neg_axes", "ReduceMean", "axes input [-1,-2], keepdims 1 (dynamo export), opset 20", X,
             rm18([-1, -2], 1), opset=20),
        Case("reducemean_opset18_no_axes", "ReduceMean", "no axes input: mean over all axes, keepdims 1", X,
             lambda g, x: g.op("ReduceMean", [x], keepdims=1), opset=18),
        Case("softmax_2d", "Softmax", "[2,10] axis -1", [2, 10], sm("Softmax", axis=-1), x_scale=3.0),
        Case("softmax_default_axis", "Softmax", "[2,10] no axis attribute (default -1 since opset 13)", [2, 10], sm("Softmax"), x_scale=3.0),
        Case("softmax_4d_axis_neg1", "Softmax", "4-D axis -1 (over W only)", X, sm("Softmax", axis=-1), x_scale=3.0),
        Case("softmax_4d_axis1", "Softmax", "4-D axis 1 (over channels only, opset 13+ semantics)", X, sm("Softmax", axis=1), x_scale=3.0),
        Case("softmax_opset13", "Softmax", "4-D axis 1, opset 13", X, sm("Softmax", axis=1), x_scale=3.0, opset=13),
        Case("logsoftmax_2d", "LogSoftmax", "[2,10] axis -1", [2, 10], sm("LogSoftmax", axis=-1), x_scale=3.0),
        Case("logsoftmax_4d_axis1", "LogSoftmax", "4-D axis 1", X, sm("LogSoftmax", axis=1), x_scale=3.0),
    ]


def all_cases(Case):
    from op_fixture_networks import network_cases
    return (conv_cases(Case) + activation_cases(Case) + binary_cases(Case) + pool_cases(Case) + matrix_cases(Case)
            + shape_cases(Case) + split_slice_pad_cases(Case) + reduce_softmax_cases(Case) + network_cases(Case))
