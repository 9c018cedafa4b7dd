"""Makes the small bad-input fixtures of Tests/CLITests/Fixtures (synthetic; no licence issue).

    python3 Scripts/make_cli_fixtures.py
Needs: onnx, numpy.
"""
import pathlib
import struct
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "CLITests" / "Fixtures"
out.mkdir(parents=True, exist_ok=True)

# A valid model whose second node uses an op ConvLens does not support (Hardmax; it was Erf until the
# transformer ops made Erf supported).
rng = np.random.default_rng(0)
weights = numpy_helper.from_array(rng.standard_normal((4, 3, 3, 3)).astype(np.float32), "w")
graph = helper.make_graph(
    [helper.make_node("Conv", ["input", "w"], ["features"], name="stem", pads=[1, 1, 1, 1]),
     helper.make_node("Hardmax", ["features"], ["logits"], name="mystery_activation")],
    "unsupported", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 8, 8])],
    [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 4, 8, 8])], [weights])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
onnx.checker.check_model(model)
onnx.save(model, out / "unsupported-op.onnx")


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


# A PNG whose header declares 40000 x 40000 pixels (valid CRC) but holds almost no data.
ihdr = struct.pack(">IIBBBBB", 40000, 40000, 8, 2, 0, 0, 0)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")
(out / "huge-declared.png").write_bytes(png)

# A small valid RGB PNG (12 x 10 gradient) to truncate in tests.
rows = b"".join(b"\x00" + b"".join(bytes((x * 20 % 256, y * 25 % 256, (x + y) * 10 % 256)) for x in range(12))
                for y in range(10))
small = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 12, 10, 8, 2, 0, 0, 0)) + \
    chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
(out / "small.png").write_bytes(small)
print("wrote", sorted(p.name for p in out.iterdir()))
