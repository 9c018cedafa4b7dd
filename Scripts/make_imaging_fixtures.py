#!/usr/bin/env python3
"""Generate the fixtures of Tests/ImagingTests/Fixtures (pip install pillow numpy).

Every picture is synthetic (gradients + seeded noise), so there is no licence question; the one
exception is chelsea_pil_256_crop224.png, derived from the CC0 photo ../shared/images/chelsea.png
(written only when that file is present).

Expected outputs are float32 .npy arrays [H, W, 3] holding 0..255 pixel values (or normalised
values for the *_preprocessed_* files, [3, H, W]), computed with PIL and numpy:
- decoding: what PIL decodes, with alpha composited on white as out = a*c + (1 - a)*255
  (a in 0..1, rounded half up), and 16-bit samples reduced to their high byte (v >> 8);
- resizing: PIL's Image.resize(size, BICUBIC / BILINEAR);
- preprocessing: torchvision's Resize(shorter side) + CenterCrop logic written out on PIL images
  (long side = int(s * long / short); top = int(round((H - crop) / 2)) with Python's round).

Run from the package root:  python3 Scripts/make_imaging_fixtures.py
"""
import os
import struct
import zlib

import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "ImagingTests", "Fixtures")
CHELSEA = os.path.join(os.path.dirname(ROOT), "shared", "images", "chelsea.png")
WIDTH, HEIGHT = 37, 23


def save_npy(name, array):
    np.save(os.path.join(OUT, name), np.ascontiguousarray(array, dtype="<f4"))


def synthetic_rgb(seed):
    """[HEIGHT, WIDTH, 3] uint8: horizontal, vertical and diagonal gradients plus noise, with a few
    hard edges so that bicubic overshoot (clamping) is exercised."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float64)
    r = 255 * x / (WIDTH - 1)
    g = 255 * y / (HEIGHT - 1)
    b = 127 + 120 * np.sin((x + y) / 4)
    image = np.stack([r, g, b], axis=-1) + rng.normal(0, 18, (HEIGHT, WIDTH, 3))
    image[5:9, 10:20, :] = 255  # a white bar
    image[14:17, 25:33, :] = 0  # a black bar
    return np.clip(np.round(image), 0, 255).astype(np.uint8)


def composite_on_white(rgb, alpha):
    """rgb [.., 3] and alpha [..] in 0..255 -> out = a*c + (1 - a)*255, a = alpha / 255."""
    a = alpha.astype(np.float64)[..., None] / 255
    return np.floor(a * rgb + (1 - a) * 255 + 0.5)


def png_chunk(kind, payload):
    body = kind + payload
    return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def write_png16(path, samples, colour_type):
    """A 16-bit PNG written by hand (PIL cannot write 16-bit RGB/RGBA): samples uint16 [H, W, C],
    colour type 0 (gray), 2 (RGB) or 6 (RGBA)."""
    height, width = samples.shape[:2]
    raw = b"".join(b"\x00" + samples[row].astype(">u2").tobytes() for row in range(height))
    header = struct.pack(">IIBBBBB", width, height, 16, colour_type, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
                + png_chunk(b"IDAT", zlib.compress(raw)) + png_chunk(b"IEND", b""))


def write_interlaced_png(path, rgb):
    """An 8-bit RGB PNG with Adam7 interlacing (PIL cannot write one): seven passes, each a
    sub-image of every (xstep, ystep)-th pixel from (xstart, ystart), rows with filter byte 0."""
    height, width = rgb.shape[:2]
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    raw = b""
    for xstart, ystart, xstep, ystep in passes:
        sub = rgb[ystart::ystep, xstart::xstep]
        if sub.size:
            raw += b"".join(b"\x00" + row.tobytes() for row in sub)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 1)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
                + png_chunk(b"IDAT", zlib.compress(raw)) + png_chunk(b"IEND", b""))


def write_declared_size_png(path, width, height):
    """A PNG whose IHDR (valid CRC) declares width x height, followed by a tiny IDAT: decoders that
    trust the header would try to allocate width * height * 4 bytes."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
                + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + png_chunk(b"IEND", b""))


def torchvision_resize_shorter(image, size):
    """torchvision.transforms.Resize(size) on a PIL image: the long side is int(size * long / short)."""
    w, h = image.size
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = size, int(size * long / short)
    new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    if (new_w, new_h) == (w, h):
        return image
    return image.resize((new_w, new_h), Image.BICUBIC)


def torchvision_center_crop(image, crop):
    """torchvision.transforms.CenterCrop(crop) for crops no larger than the image."""
    w, h = image.size
    top = int(round((h - crop) / 2.0))
    left = int(round((w - crop) / 2.0))
    return image.crop((left, top, left + crop, top + crop))


def make_decoding_fixtures(rgb):
    rng = np.random.default_rng(7)
    Image.fromarray(rgb, "RGB").save(os.path.join(OUT, "rgb8.png"))
    save_npy("rgb8.npy", rgb)

    Image.fromarray(rgb, "RGB").save(os.path.join(OUT, "rgb8.jpg"), quality=90)
    save_npy("rgb8_jpg_decoded.npy", np.asarray(Image.open(os.path.join(OUT, "rgb8.jpg")).convert("RGB")))

    write_interlaced_png(os.path.join(OUT, "rgb8_interlaced.png"), rgb)

    gray = rgb[..., 1]
    bilevel = gray > 127
    Image.fromarray(bilevel).convert("1").save(os.path.join(OUT, "bilevel1.png"))
    save_npy("bilevel1.npy", np.repeat((bilevel * 255).astype(np.uint8)[..., None], 3, axis=-1))
    Image.fromarray(gray, "L").save(os.path.join(OUT, "gray8.png"))
    save_npy("gray8.npy", np.repeat(gray[..., None], 3, axis=-1))

    Image.fromarray(gray, "L").save(os.path.join(OUT, "gray8.jpg"), quality=90)
    save_npy("gray8_jpg_decoded.npy", np.asarray(Image.open(os.path.join(OUT, "gray8.jpg")).convert("RGB")))

    gray16 = (gray.astype(np.uint16) << 8) | rng.integers(0, 256, gray.shape, dtype=np.uint16)
    write_png16(os.path.join(OUT, "gray16.png"), gray16[..., None], colour_type=0)
    save_npy("gray16.npy", np.repeat((gray16 >> 8)[..., None], 3, axis=-1))

    rgb16 = (rgb.astype(np.uint16) << 8) | rng.integers(0, 256, rgb.shape, dtype=np.uint16)
    write_png16(os.path.join(OUT, "rgb16.png"), rgb16, colour_type=2)
    save_npy("rgb16.npy", rgb16 >> 8)

    y, x = np.mgrid[0:HEIGHT, 0:WIDTH]
    alpha = np.clip(255 * x / (WIDTH - 1) + rng.integers(-20, 20, x.shape), 0, 255).astype(np.uint8)
    alpha[:, 0] = 0  # fully transparent column: must come out white
    alpha[:, -1] = 255
    rgba = np.concatenate([rgb, alpha[..., None]], axis=-1)
    Image.fromarray(rgba, "RGBA").save(os.path.join(OUT, "rgba8.png"))
    save_npy("rgba8.npy", composite_on_white(rgb, alpha))

    la = np.stack([gray, alpha], axis=-1)
    Image.fromarray(la, "LA").save(os.path.join(OUT, "gray_alpha8.png"))
    save_npy("gray_alpha8.npy", composite_on_white(np.repeat(gray[..., None], 3, axis=-1), alpha))

    alpha16 = (alpha.astype(np.uint16) << 8) | rng.integers(0, 256, alpha.shape, dtype=np.uint16)
    rgba16 = np.concatenate([rgb16, alpha16[..., None]], axis=-1)
    write_png16(os.path.join(OUT, "rgba16.png"), rgba16, colour_type=6)
    save_npy("rgba16.npy", composite_on_white(rgb16 >> 8, alpha16 >> 8))

    # Palette PNG with a tRNS chunk (three transparency levels on the first palette entries).
    palette_image = Image.fromarray(rgb, "RGB").quantize(colors=16, dither=Image.Dither.NONE)
    palette_image.info["transparency"] = bytes([0, 128, 200])
    palette_image.save(os.path.join(OUT, "palette.png"), transparency=bytes([0, 128, 200]))
    reloaded = np.asarray(Image.open(os.path.join(OUT, "palette.png")).convert("RGBA"))
    save_npy("palette.npy", composite_on_white(reloaded[..., :3], reloaded[..., 3]))

    # CMYK JPEG (PIL writes Adobe-inverted CMYK with an APP14 marker, as Photoshop does).
    Image.fromarray(rgb, "RGB").convert("CMYK").save(os.path.join(OUT, "cmyk.jpg"), quality=95)
    save_npy("cmyk_jpg_decoded.npy", np.asarray(Image.open(os.path.join(OUT, "cmyk.jpg")).convert("RGB")))

    one = np.array([[[200, 30, 90]]], dtype=np.uint8)
    Image.fromarray(one, "RGB").save(os.path.join(OUT, "tiny1x1.png"))
    Image.fromarray(one, "RGB").save(os.path.join(OUT, "tiny1x1.jpg"), quality=100, subsampling=0)
    save_npy("tiny1x1_jpg_decoded.npy", np.asarray(Image.open(os.path.join(OUT, "tiny1x1.jpg")).convert("RGB")))

    write_declared_size_png(os.path.join(OUT, "declared_40000x40000.png"), 40000, 40000)


def make_resize_fixtures(rgb):
    image = Image.fromarray(rgb, "RGB")
    for (w, h) in [(20, 13), (44, 27), (37, 11), (15, 23), (1, 1), (5, 40)]:
        save_npy(f"rgb8_bicubic_{w}x{h}.npy", np.asarray(image.resize((w, h), Image.BICUBIC)))
    for (w, h) in [(20, 13), (44, 27)]:
        save_npy(f"rgb8_bilinear_{w}x{h}.npy", np.asarray(image.resize((w, h), Image.BILINEAR)))

    # Preprocessing pipeline at small scale: shorter side 16 (37x23 -> 25x16), centre crop 12
    # (left = round(6.5) = 6 with Python's round-half-even, top = 2).
    seen = torchvision_center_crop(torchvision_resize_shorter(image, 16), 12)
    pixels = np.asarray(seen)
    save_npy("pipeline_16_crop12.npy", pixels)
    chw = pixels.astype(np.float32).transpose(2, 0, 1)
    save_npy("pipeline_16_crop12_effnet.npy", (chw - np.float32(127)) / np.float32(128))
    mean = np.array([0.485, 0.456, 0.406], dtype=np.float32)[:, None, None]
    std = np.array([0.229, 0.224, 0.225], dtype=np.float32)[:, None, None]
    save_npy("pipeline_16_crop12_imagenet.npy", (chw / np.float32(255) - mean) / std)

    # Portrait orientation and an odd vertical margin: 23x37 -> shorter side 10 -> 10x16, crop 9.
    portrait = Image.fromarray(np.ascontiguousarray(rgb.transpose(1, 0, 2)), "RGB")
    save_npy("portrait_10_crop9.npy", np.asarray(torchvision_center_crop(torchvision_resize_shorter(portrait, 10), 9)))


def make_npy_fixtures():
    """Arrays as numpy writes them, for the reader: other dtypes, Fortran order, version 2.0."""
    values = np.arange(6, dtype=np.float32).reshape(2, 3) / 4 - 0.5
    np.save(os.path.join(OUT, "npy_f4_2x3.npy"), values)
    np.save(os.path.join(OUT, "npy_f8.npy"), values.astype(np.float64))
    np.save(os.path.join(OUT, "npy_i8.npy"), np.arange(6, dtype=np.int64))
    np.save(os.path.join(OUT, "npy_big_endian.npy"), values.astype(">f4"))
    np.save(os.path.join(OUT, "npy_fortran.npy"), np.asfortranarray(values))
    np.save(os.path.join(OUT, "npy_scalar.npy"), np.float32(2.5))
    with open(os.path.join(OUT, "npy_v2_2x3.npy"), "wb") as f:
        np.lib.format.write_array(f, values, version=(2, 0))


def make_chelsea_fixture():
    if not os.path.exists(CHELSEA):
        print(f"skipping the chelsea fixture: {CHELSEA} not found")
        return
    image = Image.open(CHELSEA).convert("RGB")
    torchvision_center_crop(torchvision_resize_shorter(image, 256), 224).save(
        os.path.join(OUT, "chelsea_pil_256_crop224.png"))


def main():
    os.makedirs(OUT, exist_ok=True)
    rgb = synthetic_rgb(seed=2024)
    make_decoding_fixtures(rgb)
    make_resize_fixtures(rgb)
    make_npy_fixtures()
    make_chelsea_fixture()
    print(f"wrote {len(os.listdir(OUT))} files to {OUT}")


if __name__ == "__main__":
    main()
