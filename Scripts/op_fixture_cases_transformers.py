"""Single-op fixture cases for the ops modern CNNs and vision transformers add (issue 13): normalisations,
element-wise math, reductions, Resize, the data-movement ops, masks and their load-time folding.
Same conventions as op_fixture_cases.py; whole networks that follow the batch are in
op_fixture_networks_transformers.py.
"""
import numpy as np
from onnx import numpy_helper

I64 = np.int64
T = [2, 5, 12]  # tokens [N, T, C]
X = [2, 4, 5, 6]


def u(op, **kw):
    return lambda g, x: g.op(op, [x], **kw)


def positive(g, x, floor=0.5):
    """|x| + floor: a strictly positive runtime tensor (for Sqrt, Log, Reciprocal, Pow bases)."""
    return g.op("Add", [g.op("Abs", [x]), g.const(floor)])


def as_float(g, mask):
    return g.op("Cast", [mask], to=1)


def first_rows(g, x, n):
    """The first n rows (axis 0) of Tile(x, [2, 1, ...]): a runtime tensor with n rows from a batch of 2."""
    tiled = g.op("Tile", [x, g.const([2] + [1] * 2, I64)])
    return g.op("Slice", [tiled, g.const([0], I64), g.const([n], I64), g.const([0], I64)])


def normalization_cases(Case):
    ln = lambda shape, axis, bias=True, **kw: (lambda g, x: g.op(
        "LayerNormalization", [x, g.weight(shape, low=0.5, high=1.5)] + ([g.weight(shape, scale=0.5)] if bias else []),
        axis=axis, **kw))

    def ln_statistics(g, x):
        return g.op("LayerNormalization", [x, g.weight([12], low=0.5, high=1.5), g.weight([12], scale=0.5)], outputs=3, axis=-1)

    inorm = lambda c, **kw: (lambda g, x: g.op("InstanceNormalization", [x, g.weight([c], low=0.5, high=1.5),
                                                                          g.weight([c], scale=0.5)], **kw))
    return [
        Case("layernorm_last_axis", "LayerNormalization", "axis -1 over C of tokens [2,5,12], scale and bias", T,
             ln([12], -1), x_scale=2.0, x_offset=1.0),
        Case("layernorm_no_bias", "LayerNormalization", "axis -1, no bias input, epsilon 1e-6 (timm ViT)", T,
             ln([12], -1, bias=False, epsilon=1e-6)),
        Case("layernorm_axis1_4d", "LayerNormalization", "axis 1 of [N,C,H,W]: over C, H, W at once", X, ln([4, 5, 6], 1)),
        Case("layernorm_axis_neg2", "LayerNormalization", "axis -2 of [2,4,5,6]: over the last two axes", X, ln([5, 6], -2)),
        Case("layernorm_mean_invstd", "LayerNormalization", "optional outputs Mean and InvStdDev wired as graph outputs", T,
             ln_statistics),
        Case("layernorm_opset20", "LayerNormalization", "axis -1, epsilon 1e-5, opset 20 (dynamo export)", T, ln([12], -1), opset=20),
        Case("instancenorm_4d", "InstanceNormalization", "[N,C,H,W] per (n, c) over H, W", X, inorm(4), x_scale=2.0),
        Case("instancenorm_3d_epsilon", "InstanceNormalization", "[N,C,L] (torch's GroupNorm form), epsilon 1e-3",
             [2, 3, 10], inorm(3, epsilon=1e-3)),
    ]


def unary_cases(Case):
    return [
        Case("erf", "Erf", "erf(x)", X, u("Erf"), x_scale=1.5),
        Case("gelu_none_opset20", "Gelu", "approximate none (default), opset 20", X, u("Gelu"), x_scale=2.0, opset=20),
        Case("gelu_tanh_opset20", "Gelu", "approximate tanh, opset 20", X, u("Gelu", approximate="tanh"), x_scale=2.0, opset=20),
        Case("sqrt", "Sqrt", "sqrt(|x| + 0.5)", X, lambda g, x: g.op("Sqrt", [positive(g, x)])),
        Case("exp", "Exp", "exp(x)", X, u("Exp")),
        Case("log", "Log", "log(|x| + 0.5)", X, lambda g, x: g.op("Log", [positive(g, x)])),
        Case("abs", "Abs", "|x|", X, u("Abs")),
        Case("neg", "Neg", "-x", X, u("Neg")),
        Case("reciprocal", "Reciprocal", "1 / (|x| + 0.5)", X, lambda g, x: g.op("Reciprocal", [positive(g, x)])),
        Case("softplus", "Softplus", "log(1 + exp(x)), large |x| included", X, u("Softplus"), x_scale=10.0),
        Case("ceil", "Ceil", "ceil(3x)", X, lambda g, x: g.op("Ceil", [g.op("Mul", [x, g.const(3.0)])])),
        Case("floor", "Floor", "floor(3x)", X, lambda g, x: g.op("Floor", [g.op("Mul", [x, g.const(3.0)])])),
        Case("round", "Round", "round half to even of 2x", X, lambda g, x: g.op("Round", [g.op("Mul", [x, g.const(2.0)])])),
        Case("sign", "Sign", "sign(x)", X, u("Sign")),
    ]


def binary_math_cases(Case):
    return [
        Case("pow_square", "Pow", "x ^ 2 (scalar initializer exponent, as torch writes x ** 2)", X,
             lambda g, x: g.op("Pow", [x, g.const(2.0)])),
        Case("pow_cube", "Pow", "x ^ 3 (odd power of negative bases)", X, lambda g, x: g.op("Pow", [x, g.const(3.0)])),
        Case("pow_sqrt", "Pow", "(|x| + 0.5) ^ 0.5", X, lambda g, x: g.op("Pow", [positive(g, x), g.const(0.5)])),
        Case("pow_runtime_exponent", "Pow", "(|x| + 0.5) ^ Sigmoid(x): both operands runtime", X,
             lambda g, x: g.op("Pow", [positive(g, x), g.op("Sigmoid", [x])])),
        Case("pow_per_channel", "Pow", "(|x| + 0.5) ^ initializer [C,1,1]", X,
             lambda g, x: g.op("Pow", [positive(g, x), g.weight([4, 1, 1], low=0.5, high=2.5)])),
        Case("max_two", "Max", "Max(x, initializer [W])", X, lambda g, x: g.op("Max", [x, g.weight([6], scale=1.0)])),
        Case("min_two", "Min", "Min(x, Neg(x)) = -|x|", X, lambda g, x: g.op("Min", [x, g.op("Neg", [x])])),
        Case("max_one", "Max", "Max with a single input: the identity", X, lambda g, x: g.op("Max", [x])),
        Case("sum_two", "Sum", "Sum(x, Relu(x))", X, lambda g, x: g.op("Sum", [x, g.op("Relu", [x])])),
        Case("mod_fmod", "Mod", "fmod 1: Mod(3x, 0.7), sign of the dividend", X,
             lambda g, x: g.op("Mod", [g.op("Mul", [x, g.const(3.0)]), g.const(0.7)], fmod=1)),
        Case("mod_fmod_negative_divisor", "Mod", "fmod 1: Mod(3x, initializer [C,1,1] of negative divisors)", X,
             lambda g, x: g.op("Mod", [g.op("Mul", [x, g.const(3.0)]), g.weight([4, 1, 1], low=-1.5, high=-0.5)], fmod=1)),
    ]


def reduce_cases(Case):
    r13 = lambda op, axes, keepdims: (lambda g, x: g.op(op, [x], axes=axes, keepdims=keepdims))
    r18 = lambda op, axes, keepdims, **kw: (lambda g, x: g.op(op, [x, g.const(axes, I64)], keepdims=keepdims, **kw))
    return [
        Case("reducesum_opset13_axes_input", "ReduceSum", "axes input [1] (ReduceSum takes axes as input from opset 13)", X,
             r18("ReduceSum", [1], 1), opset=13),
        Case("reducesum_spatial_keepdims0", "ReduceSum", "axes input [2,3], keepdims 0", X, r18("ReduceSum", [2, 3], 0)),
        Case("reducesum_all_axes", "ReduceSum", "no axes: over every axis, keepdims 1", X, lambda g, x: g.op("ReduceSum", [x])),
        Case("reducesum_noop_empty_axes", "ReduceSum", "no axes with noop_with_empty_axes 1: the identity", X,
             lambda g, x: g.op("ReduceSum", [x], noop_with_empty_axes=1)),
        Case("reducemax_opset17_attr", "ReduceMax", "axes attribute [1], keepdims 1 (channel max, CBAM)", X,
             r13("ReduceMax", [1], 1)),
        Case("reducemax_opset18_input", "ReduceMax", "axes input [-1], keepdims 0", X, r18("ReduceMax", [-1], 0), opset=18),
        Case("reducemax_spatial_opset18", "ReduceMax", "axes input [2,3], keepdims 1 (global max pool form)", X,
             r18("ReduceMax", [2, 3], 1), opset=18),
        Case("reducemin_attr", "ReduceMin", "axes attribute [3], keepdims 1", X, r13("ReduceMin", [3], 1)),
        Case("reducel2_opset17_attr", "ReduceL2", "axes attribute [1], keepdims 1 (feature normalisation)", X,
             r13("ReduceL2", [1], 1)),
        Case("reducel2_opset18_spatial", "ReduceL2", "axes input [1,2] keepdims 1 on NHWC (ConvNeXt-V2 GRN)", [2, 5, 6, 4],
             r18("ReduceL2", [1, 2], 1), opset=18),
        Case("reducel1_attr", "ReduceL1", "axes attribute [2], keepdims 0", X, r13("ReduceL1", [2], 0)),
        Case("reducesumsquare_attr", "ReduceSumSquare", "axes attribute [-1], keepdims 1", X, r13("ReduceSumSquare", [-1], 1)),
        Case("reducemean_tokens", "ReduceMean", "tokens [2,5,12] mean over axis 1 (LeViT, pooling of tokens)", T,
             r13("ReduceMean", [1], 0)),
    ]


def resize_cases(Case):
    def rs(scales=None, sizes=None, opset=17, **kw):
        def build(g, x):
            inputs = [x, "", g.const(scales, np.float32) if scales is not None else ""]
            if sizes is not None:
                inputs.append(g.const(sizes, I64))
            return g.op("Resize", inputs, **kw)
        return build
    R = [2, 3, 5, 6]
    return [
        Case("resize_nearest_torch", "Resize", "nearest x2 as torch exports: asymmetric, floor", R,
             rs([1, 1, 2, 2], mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor")),
        Case("resize_nearest_defaults", "Resize", "nearest x2, ONNX defaults (half_pixel, round_prefer_floor)", R,
             rs([1, 1, 2, 2])),
        Case("resize_nearest_prefer_ceil", "Resize", "nearest scales [1,1,1.5,2.5], half_pixel, round_prefer_ceil", R,
             rs([1, 1, 1.5, 2.5], mode="nearest", nearest_mode="round_prefer_ceil")),
        Case("resize_nearest_ceil_align", "Resize", "nearest sizes [2,3,9,4], align_corners, ceil", R,
             rs(sizes=[2, 3, 9, 4], mode="nearest", coordinate_transformation_mode="align_corners", nearest_mode="ceil")),
        Case("resize_linear_half_pixel_symmetric", "Resize", "linear scales [1,1,1.7,2.3], half_pixel_symmetric (opset 19)", R,
             rs([1, 1, 1.7, 2.3], mode="linear", coordinate_transformation_mode="half_pixel_symmetric"), opset=19),
        Case("resize_linear_pytorch", "Resize", "linear x2, pytorch_half_pixel (torch bilinear, align_corners False)", R,
             rs([1, 1, 2, 2], mode="linear", coordinate_transformation_mode="pytorch_half_pixel")),
        Case("resize_linear_half_pixel_down", "Resize", "linear x0.5 down, half_pixel", [2, 3, 8, 10],
             rs([1, 1, 0.5, 0.5], mode="linear", coordinate_transformation_mode="half_pixel")),
        Case("resize_linear_align_corners", "Resize", "linear sizes [2,3,11,7], align_corners (torch align_corners True)", R,
             rs(sizes=[2, 3, 11, 7], mode="linear", coordinate_transformation_mode="align_corners")),
        Case("resize_linear_asymmetric", "Resize", "linear scales [1,1,1.5,2.5], asymmetric", R,
             rs([1, 1, 1.5, 2.5], mode="linear", coordinate_transformation_mode="asymmetric")),
        Case("resize_linear_size1_pytorch", "Resize", "linear sizes [2,3,1,4], pytorch_half_pixel (output 1 reads index 0)", R,
             rs(sizes=[2, 3, 1, 4], mode="linear", coordinate_transformation_mode="pytorch_half_pixel")),
        Case("resize_linear_opset13", "Resize", "linear x2 pytorch_half_pixel, opset 13", R,
             rs([1, 1, 2, 2], mode="linear", coordinate_transformation_mode="pytorch_half_pixel"), opset=13),
        Case("resize_axes_opset18", "Resize", "axes attribute [2,3] with scales [2,3] (opset 18)", R,
             rs([2, 3], mode="linear", axes=[2, 3]), opset=18),
        Case("resize_keep_aspect_opset18", "Resize", "sizes [12,12] on axes [2,3], keep_aspect_ratio_policy not_larger", R,
             rs(sizes=[12, 12], mode="nearest", axes=[2, 3], keep_aspect_ratio_policy="not_larger"), opset=18),
        Case("resize_linear_opset19", "Resize", "linear x2 half_pixel, opset 19", R, rs([1, 1, 2, 2], mode="linear"), opset=19),
    ]


def movement_cases(Case):
    return [
        Case("expand_bidirectional", "Expand", "[2,4,1,6] to shape [1,1,5,1]: broadcast both ways -> [2,4,5,6]", [2, 4, 1, 6],
             lambda g, x: g.op("Expand", [x, g.const([1, 1, 5, 1], I64)])),
        Case("expand_rank_up", "Expand", "[2,1,6] to shape [3,2,4,6] (new leading axis)", [2, 1, 6],
             lambda g, x: g.op("Expand", [x, g.const([3, 2, 4, 6], I64)])),
        Case("squeeze_axes_input", "Squeeze", "axes input [1] on [2,1,5,6] (opset 13+)", [2, 1, 5, 6],
             lambda g, x: g.op("Squeeze", [x, g.const([1], I64)])),
        Case("squeeze_no_axes", "Squeeze", "no axes: every size-1 axis of [2,1,5,1]", [2, 1, 5, 1], u("Squeeze")),
        Case("squeeze_opset21", "Squeeze", "axes input [-1] on [2,5,6,1], opset 21", [2, 5, 6, 1],
             lambda g, x: g.op("Squeeze", [x, g.const([-1], I64)]), opset=21),
        Case("unsqueeze_axes_input", "Unsqueeze", "axes input [1,-1] on [2,5,6] -> [2,1,5,6,1]", [2, 5, 6],
             lambda g, x: g.op("Unsqueeze", [x, g.const([1, -1], I64)])),
        Case("unsqueeze_opset13", "Unsqueeze", "axes input [0], opset 13", [2, 5, 6],
             lambda g, x: g.op("Unsqueeze", [x, g.const([0], I64)]), opset=13),
        Case("gather_class_token", "Gather", "x[:, 0] on tokens [2,5,12]: axis 1, 0-d index 0", T,
             lambda g, x: g.op("Gather", [x, g.const(0, I64)], axis=1)),
        Case("gather_indices_2d", "Gather", "axis 1 with indices [[0,2],[-1,1]] (negative counts from the end)", X,
             lambda g, x: g.op("Gather", [x, g.const([[0, 2], [-1, 1]], I64)], axis=1)),
        Case("gather_last_axis_repeat", "Gather", "axis -1 with indices [5,0,5] (repeated index)", X,
             lambda g, x: g.op("Gather", [x, g.const([5, 0, 5], I64)], axis=-1)),
        Case("tile", "Tile", "repeats [1,2,1,3]", X, lambda g, x: g.op("Tile", [x, g.const([1, 2, 1, 3], I64)])),
        Case("scatternd_runtime", "ScatterND", "data x, indices [[0,1],[1,3]], updates Relu(x[:, 0]) [2,5,6]", X,
             lambda g, x: g.op("ScatterND", [x, g.const([[0, 1], [1, 3]], I64),
                                             g.op("Relu", [g.op("Gather", [x, g.const(0, I64)], axis=1)])])),
        Case("scatternd_add_opset16", "ScatterND", "reduction add, indices [[1],[0],[1]] (repeats add up), updates from x",
             [2, 3, 4], lambda g, x: g.op("ScatterND", [x, g.const([[1], [0], [1]], I64), first_rows(g, x, 3)],
                                           reduction="add"), opset=16),
        Case("matmul_batched_runtime", "MatMul", "[2,3,5,4] x Transpose(x)·0.5 [2,3,4,5] (attention scores)", [2, 3, 5, 4],
             lambda g, x: g.op("MatMul", [x, g.op("Mul", [g.op("Transpose", [x], perm=[0, 1, 3, 2]), g.const(0.5)])])),
        Case("matmul_broadcast_batch", "MatMul", "[2,1,5,4] x initializer [3,4,6] -> [2,3,5,6]", [2, 1, 5, 4],
             lambda g, x: g.op("MatMul", [x, g.weight([3, 4, 6], scale=0.5)])),
        Case("matmul_vector_right", "MatMul", "[2,3,4] x 1-D initializer [4] -> [2,3]", [2, 3, 4],
             lambda g, x: g.op("MatMul", [x, g.weight([4], scale=0.5)])),
        Case("matmul_vector_left", "MatMul", "1-D initializer [5] x [2,5,3] -> [2,3]", [2, 5, 3],
             lambda g, x: g.op("MatMul", [g.weight([5], scale=0.5), x])),
        Case("softmax_tokens_last_axis", "Softmax", "attention probabilities: [2,3,5,5] axis -1", [2, 3, 5, 5],
             u("Softmax", axis=-1), x_scale=3.0),
        Case("softmax_axis0", "Softmax", "axis 0 of [2,4,5,6]", X, u("Softmax", axis=0), x_scale=3.0),
        Case("logsoftmax_3d_axis1", "LogSoftmax", "[2,5,12] axis 1", T, u("LogSoftmax", axis=1), x_scale=3.0),
    ]


def mask_cases(Case):
    cmp = lambda op, rhs=0.0: (lambda g, x: as_float(g, g.op(op, [x, g.const(rhs)])))
    logic = lambda op: (lambda g, x: as_float(g, g.op(op, [g.op("Greater", [x, g.const(0.0)]),
                                                             g.op("Less", [x, g.const(0.5)])])))
    return [
        Case("where_masked_fill", "Where", "Where(x > 0, x, -100): masked_fill", X,
             lambda g, x: g.op("Where", [g.op("Greater", [x, g.const(0.0)]), x, g.const(-100.0)])),
        Case("where_broadcast_condition", "Where", "Where(constant [1,1,1,W] mask, Sigmoid(x), x)", X,
             lambda g, x: g.op("Where", [g.const(np.array([[[[1, 0, 1, 1, 0, 1]]]], dtype=bool), dtype=bool),
                                         g.op("Sigmoid", [x]), x])),
        Case("cast_bool_to_float", "Cast", "Cast(x > 0, to FLOAT)", X, cmp("Greater")),
        Case("cast_float_to_int_and_back", "Cast", "Cast(Cast(3x, to INT64), to FLOAT): truncation toward zero", X,
             lambda g, x: as_float(g, g.op("Cast", [g.op("Mul", [x, g.const(3.0)])], to=7))),
        Case("cast_float_to_double_and_back", "Cast", "Cast(Cast(x, to DOUBLE), to FLOAT): the identity", X,
             lambda g, x: as_float(g, g.op("Cast", [x], to=11))),
        Case("equal", "Equal", "Equal(Floor(2x), 0)", X,
             lambda g, x: as_float(g, g.op("Equal", [g.op("Floor", [g.op("Mul", [x, g.const(2.0)])]), g.const(0.0)]))),
        Case("less", "Less", "x < 0.25", X, cmp("Less", 0.25)),
        Case("less_or_equal", "LessOrEqual", "x <= 0.25", X, cmp("LessOrEqual", 0.25)),
        Case("greater", "Greater", "x > -0.25", X, cmp("Greater", -0.25)),
        Case("greater_or_equal", "GreaterOrEqual", "x >= -0.25", X, cmp("GreaterOrEqual", -0.25)),
        Case("and", "And", "(x > 0) and (x < 0.5)", X, logic("And")),
        Case("or", "Or", "(x > 0) or (x < 0.5)", X, logic("Or")),
        Case("xor", "Xor", "(x > 0) xor (x < 0.5)", X, logic("Xor")),
        Case("not", "Not", "not (x > 0)", X, lambda g, x: as_float(g, g.op("Not", [g.op("Greater", [x, g.const(0.0)])]))),
    ]


def folding_cases(Case):
    """Shape and mask ops on constants only: ConvLens evaluates them at load time (ConstantFolder)."""
    def shape_fill(g, x):  # x + ConstantOfShape(Shape(x), 0.5) * Range(0, 6, 1) / 6
        fill = g.op("ConstantOfShape", [g.op("Shape", [x])], value=numpy_helper.from_array(np.array([0.5], dtype=np.float32)))
        ramp = g.op("Div", [g.op("Cast", [g.op("Range", [g.const(0, I64), g.const(6, I64), g.const(1, I64)])], to=1), g.const(6.0)])
        return g.op("Add", [x, g.op("Mul", [fill, ramp])])

    def scatter_mask(g, x):  # a Swin-style region mask: ScatterND into zeros, Not(Equal(., 0)), Where(., -100, 0)
        zeros = g.op("ConstantOfShape", [g.const([5, 6], I64)])
        marked = g.op("ScatterND", [zeros, g.const([[1, 2], [3, 4], [0, 5]], I64), g.const([1.0, 2.0, 3.0])])
        mask = g.op("Not", [g.op("Equal", [marked, g.const(0.0)])])
        return g.op("Add", [x, g.op("Where", [mask, g.const(-100.0), g.const(0.0)])])

    def tf_same_pads(g, x):  # TF "same" padding from the shape: pad = max((ceil(H/s) - 1)·s + k - H, 0), as timm's
        hw = g.op("Cast", [g.op("Slice", [g.op("Shape", [x]), g.const([2], I64), g.const([4], I64)])], to=1)
        out = g.op("Ceil", [g.op("Div", [hw, g.const(2.0)])])
        total = g.op("Max", [g.op("Sub", [g.op("Add", [g.op("Mul", [g.op("Sub", [out, g.const(1.0)]), g.const(2.0)]),
                                                         g.const(3.0)]), hw]), g.const(0.0)])
        begin = g.op("Floor", [g.op("Div", [total, g.const(2.0)])])
        end = g.op("Sub", [total, begin])
        pads = g.op("Cast", [g.op("Concat", [g.const([0, 0], np.float32), begin, g.const([0, 0], np.float32), end], axis=0)], to=7)
        # Integer Mod (sign of the divisor) and ReduceSum, folded too: Mod([7, -7], 3) = [1, 2], sum 3, minus 3 = 0.
        zero = g.op("Sub", [g.op("ReduceSum", [g.op("Mod", [g.const([7, -7], I64), g.const([3, 3], I64)])], keepdims=1),
                            g.const([3], I64)])
        pads = g.op("Add", [pads, zero])
        return g.conv(g.op("Pad", [x, pads]), 4, 3, 3, strides=[2, 2])

    return [
        Case("fold_constant_of_shape_range", "ConstantOfShape", "x + ConstantOfShape(Shape(x), 0.5) · Range(0, 6) / 6, folded", X,
             shape_fill),
        Case("fold_scatternd_mask", "ScatterND", "Swin-style mask from ScatterND, Not, Equal, Where on constants, folded", X,
             scatter_mask),
        Case("fold_tf_same_padding", "Ceil", "TF-same pads computed with Shape, Ceil, Floor, Max, Mod, ReduceSum: folded", [2, 4, 7, 9],
             tf_same_pads),
    ]


def einsum_cases(Case):
    es = lambda equation, *operands: (lambda g, x: g.op("Einsum", [o(g, x) for o in operands], equation=equation))
    x = lambda g, x: x
    half = lambda g, x: g.op("Mul", [x, g.const(0.5)])
    w = lambda shape: (lambda g, x: g.weight(shape, scale=0.5))
    return [
        Case("einsum_maxvit_relative_logits", "Einsum", "'nixw,jyw->nijxy': run-time q with a constant table (MaxViT)",
             [2, 3, 4, 5], es("nixw,jyw->nijxy", x, w([6, 3, 5]))),
        Case("einsum_attention_scores", "Einsum", "'bhid,bhjd->bhij': both operands run-time", [2, 3, 4, 5], es("bhid,bhjd->bhij", x, half)),
        Case("einsum_implicit_output", "Einsum", "'ij,jk' (implicit output 'ik')", [4, 5], es("ij,jk", x, w([5, 3]))),
        Case("einsum_ellipsis", "Einsum", "'...ij,jk->...ik' with two leading axes", [2, 3, 4, 5], es("...ij,jk->...ik", x, w([5, 6]))),
        Case("einsum_summed_letter", "Einsum", "'bij,bjk->bi': k only in the right operand is summed first", [2, 3, 4],
             es("bij,bjk->bi", x, w([2, 4, 5]))),
        Case("einsum_single_transpose", "Einsum", "'bchw->bhwc' (one operand)", X, es("bchw->bhwc", x)),
        Case("einsum_single_reduce", "Einsum", "'bchw->bc' (one operand, summed axes)", X, es("bchw->bc", x)),
        Case("sin", "Sin", "sin(2x)", X, lambda g, x: g.op("Sin", [g.op("Mul", [x, g.const(2.0)])])),
        Case("cos", "Cos", "cos(2x)", X, lambda g, x: g.op("Cos", [g.op("Mul", [x, g.const(2.0)])])),
        Case("fold_sinusoidal_cumsum", "CumSum", "x + Sin/Cos of CumSum(ones [1,5,6], axis 1) (EdgeNeXt/XCiT encodings), folded",
             [2, 5, 6], lambda g, x: g.op("Add", [x, g.op("Add", [
                 g.op("Sin", [g.op("CumSum", [g.op("ConstantOfShape", [g.const([1, 5, 6], I64)], value=numpy_helper.from_array(
                     np.array([1.0], dtype=np.float32))), g.const(1, I64)])]),
                 g.op("Cos", [g.op("CumSum", [g.weight([1, 5, 6], scale=1.0), g.const(-1, I64)], exclusive=1, reverse=1)])])])),
    ]


def conv1d_cases(Case):
    c1 = lambda c_in, c_out, k, group=1, bias=True, **kw: (lambda g, x: g.op(
        "Conv", [x, g.weight([c_out, c_in // group, k])] + ([g.weight([c_out], scale=0.1)] if bias else []),
        kernel_shape=[k], group=group, **kw))

    def weight_standardised_conv(g, x):
        # NFNet ScaledStdConv as the dynamo exporter writes it: BatchNormalization of the constant weights
        # [1, M, C·k·k] with their own mean and variance (ReduceMean), folded at load time, then Conv.
        w = g.op("Reshape", [g.weight([4, 3, 3, 3], scale=1.0), g.const([1, 4, 27], I64)])
        mean = g.op("ReduceMean", [w, g.const([0, 2], I64)], keepdims=0)
        var = g.op("ReduceMean", [g.op("Mul", [g.op("Sub", [w, g.op("ReduceMean", [w, g.const([0, 2], I64)], keepdims=1)])] * 2),
                                  g.const([0, 2], I64)], keepdims=0)
        standard = g.op("BatchNormalization", [w, g.weight([4], low=0.5, high=1.5), g.const(np.zeros(4)), mean, var], epsilon=1e-5)
        return g.op("Conv", [x, g.op("Reshape", [standard, g.const([4, 3, 3, 3], I64)])], kernel_shape=[3, 3], pads=[1, 1, 1, 1])

    return [
        Case("conv1d_eca", "Conv", "1-D Conv [N,1,C] kernel 5 pads 2, no bias (ECA attention)", [2, 1, 12], c1(1, 1, 5, bias=False, pads=[2, 2])),
        Case("conv1d_grouped_strided", "Conv", "1-D Conv 4->6 group 2, kernel 3, stride 2, pads [1,0], dilation 2", [2, 4, 11],
             c1(4, 6, 3, group=2, strides=[2], pads=[1, 0], dilations=[2])),
        Case("conv1d_same_upper", "Conv", "1-D Conv 3->5 kernel 4 auto_pad SAME_UPPER", [2, 3, 9], c1(3, 5, 4, auto_pad="SAME_UPPER")),
        Case("fold_weight_standardization", "BatchNormalization", "Conv whose weights are standardised by BatchNormalization "
             "of the constant weights with their own ReduceMean statistics (NFNet), folded", [2, 3, 6, 7], weight_standardised_conv,
             opset=18),
    ]


def all_transformer_cases(Case):
    from op_fixture_networks_transformers import network_cases
    return (normalization_cases(Case) + unary_cases(Case) + binary_math_cases(Case) + reduce_cases(Case)
            + resize_cases(Case) + movement_cases(Case) + mask_cases(Case) + folding_cases(Case) + einsum_cases(Case)
            + conv1d_cases(Case) + network_cases(Case))
