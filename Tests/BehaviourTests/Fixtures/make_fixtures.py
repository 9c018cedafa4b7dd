#!/usr/bin/env python3
"""Writes the BehaviourTests fixtures (standard library only; run from this folder).

- tiny-images-idx3-ubyte.gz: 12 grey images of 6 rows x 5 columns, gzip; pixel (i, r, c) =
  (40 * i + 7 * r + 3 * c) % 256.
- tiny-labels-idx1-ubyte: their 12 labels, i % 3, plain (uncompressed).
- bad-magic-idx3-ubyte: an image file whose magic number is 0x00000903.
- folder/{circle,square}/*.png: 2 + 2 small RGB PNGs; folder/square/broken.png is not a PNG.
"""
import gzip, struct, zlib, os

def idx(magic_dims, dims, values):
    return struct.pack(">I", magic_dims) + b"".join(struct.pack(">I", d) for d in dims) + bytes(values)

pixels = [(40 * i + 7 * r + 3 * c) % 256 for i in range(12) for r in range(6) for c in range(5)]
with gzip.GzipFile("tiny-images-idx3-ubyte.gz", "wb", mtime=0) as f:
    f.write(idx(0x0803, [12, 6, 5], pixels))
with open("tiny-labels-idx1-ubyte", "wb") as f:
    f.write(idx(0x0801, [12], [i % 3 for i in range(12)]))
with open("bad-magic-idx3-ubyte", "wb") as f:
    f.write(idx(0x0903, [1, 2, 2], [0, 0, 0, 0]))

def png(path, width, height, rgb):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes(rgb(x, y)[k] for x in range(width) for k in range(3)) for y in range(height))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))

for name in ["circle", "square"]:
    os.makedirs(f"folder/{name}", exist_ok=True)
png("folder/circle/a.png", 8, 8, lambda x, y: (255, 0, 0) if (x - 3.5) ** 2 + (y - 3.5) ** 2 < 9 else (0, 0, 0))
png("folder/circle/b.png", 10, 6, lambda x, y: (0, 255, 0) if (x - 4.5) ** 2 + (y - 2.5) ** 2 < 6 else (0, 0, 0))
png("folder/square/c.png", 8, 8, lambda x, y: (0, 0, 255) if 2 <= x < 6 and 2 <= y < 6 else (255, 255, 255))
with open("folder/square/broken.png", "wb") as f:
    f.write(b"this is not a PNG file\n")
