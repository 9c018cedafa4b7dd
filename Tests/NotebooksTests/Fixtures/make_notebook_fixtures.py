"""Writes the tiny fixtures of NotebooksTests (run from this folder; numpy, onnx, pillow).

tiny_classifier.onnx: x [N, 3, 16, 16] -> Conv(3->4, 3x3, pad 1) -> Relu -> Conv(4->6, 3x3, stride 2,
pad 1) -> Relu -> GlobalAveragePool -> Flatten -> Gemm(6->3) -> logits [N, 3]; seeded random weights.
tiny_labels.txt: the three class names. red.png, blue.png: 16x16 pictures (a square on a background).
All synthetic (no licence issue).
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from PIL import Image

rng = np.random.default_rng(20261126)


def initializer(name, shape):
    return numpy_helper.from_array(rng.normal(0, 0.5, size=shape).astype(np.float32), name)


nodes = [
    helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
    helper.make_node("Relu", ["c1"], ["r1"]),
    helper.make_node("Conv", ["r1", "w2", "b2"], ["c2"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2]),
    helper.make_node("Relu", ["c2"], ["r2"]),
    helper.make_node("GlobalAveragePool", ["r2"], ["gap"]),
    helper.make_node("Flatten", ["gap"], ["flat"]),
    helper.make_node("Gemm", ["flat", "wf", "bf"], ["logits"], transB=1),
]
graph = helper.make_graph(
    nodes, "tiny_classifier",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 16, 16])],
    [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 3])],
    [initializer("w1", (4, 3, 3, 3)), initializer("b1", (4,)), initializer("w2", (6, 4, 3, 3)),
     initializer("b2", (6,)), initializer("wf", (3, 6)), initializer("bf", (3,))])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, "tiny_classifier.onnx")

with open("tiny_labels.txt", "w") as f:
    f.write("apple\nbanana\ncherry\n")

for name, square, background in [("red", (220, 30, 30), (240, 240, 240)), ("blue", (30, 30, 220), (20, 20, 20))]:
    pixels = np.zeros((16, 16, 3), dtype=np.uint8)
    pixels[:] = background
    pixels[4:11, 3:10] = square
    Image.fromarray(pixels).save(f"{name}.png")
