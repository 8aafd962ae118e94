"""Pictures are read by their content, checked, and written afresh within both platforms' limits.

Hostile files are the point: a truncated image, a decompression bomb, a polyglot (an image
with a script or an archive behind it), SVG, a file that only claims to be an image.
"""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from core import pictures
from core.errors import InvalidInput


def image_bytes(size=(640, 480), kind="PNG", mode="RGB", color=(200, 30, 90), **options) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, kind, **options)
    return out.getvalue()


def opened(picture: pictures.Picture) -> Image.Image:
    image = Image.open(io.BytesIO(picture.data))
    image.load()
    return image


@pytest.mark.parametrize("kind", ["PNG", "JPEG", "GIF", "WEBP"])
def test_each_taken_type_becomes_a_jpeg_of_the_same_size(kind):
    picture = pictures.normalise(image_bytes(kind=kind))
    assert (picture.mime, picture.width, picture.height) == ("image/jpeg", 640, 480)
    assert opened(picture).format == "JPEG"


def test_transparency_is_kept_as_png_and_an_opaque_alpha_channel_is_not():
    clear = pictures.normalise(image_bytes(mode="RGBA", color=(0, 0, 0, 0)))
    assert clear.mime == "image/png" and opened(clear).mode == "RGBA"
    solid = pictures.normalise(image_bytes(mode="RGBA", color=(10, 20, 30, 255)))
    assert solid.mime == "image/jpeg"


def test_a_large_photo_is_scaled_to_the_longest_side_and_keeps_its_shape():
    picture = pictures.normalise(image_bytes(size=(6000, 3000), kind="JPEG"))
    assert (picture.width, picture.height) == (pictures.MAX_SIDE, pictures.MAX_SIDE // 2)
    assert picture.width + picture.height <= 10_000 and len(picture.data) <= pictures.MAX_OUTPUT_BYTES


def test_exif_orientation_is_applied_and_every_exif_tag_is_dropped():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    exif[0x8825] = {2: (48.0, 51.0, 24.0)}  # a GPS position: must not survive
    exif[0x010F] = "SpyCam"
    photo = image_bytes(size=(400, 200), kind="JPEG", exif=exif.tobytes())
    picture = pictures.normalise(photo)
    assert (picture.width, picture.height) == (200, 400)  # upright
    assert not opened(picture).getexif() and b"SpyCam" not in picture.data


def test_an_animation_keeps_its_first_frame():
    frames = [Image.new("RGB", (64, 32), color) for color in ("red", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    picture = pictures.normalise(out.getvalue())
    assert (picture.width, picture.height) == (64, 32)
    assert opened(picture).getpixel((5, 5))[0] > 200  # red


def test_the_key_depends_on_the_secret_and_the_bytes():
    data = pictures.normalise(image_bytes()).data
    assert pictures.key_of(b"s1", data) == pictures.key_of(b"s1", data)
    assert pictures.key_of(b"s1", data) != pictures.key_of(b"s2", data)
    assert pictures.is_key(pictures.key_of(b"s1", data))
    for bad in ("", "../../etc/passwd", "A" * 64, "g" * 64, "a" * 63, "a" * 65):
        assert not pictures.is_key(bad)


# Hostile files -------------------------------------------------------------------------


def refused(data: bytes) -> str:
    with pytest.raises(InvalidInput) as caught:
        pictures.normalise(data)
    return caught.value.message


def test_svg_and_text_pretending_to_be_images_are_refused():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>'
    assert "not a picture Pinbridge takes" in refused(svg)
    assert "not a picture" in refused(b"<html><script>alert(1)</script></html>")
    assert "not a picture" in refused(b"GIF89a<script>alert(1)</script>")  # a signature, then nothing of an image


def test_formats_outside_the_four_are_refused_even_when_pillow_reads_them():
    for kind in ("TIFF", "BMP", "ICO", "PPM"):
        assert "not a picture" in refused(image_bytes(size=(32, 32), kind=kind)), kind


def test_an_empty_or_huge_file_is_refused_before_it_is_read():
    assert "empty" in refused(b"")
    assert "too large" in refused(b"\xff\xd8" + b"\0" * (pictures.MAX_INPUT_BYTES + 1))


def test_a_truncated_image_is_refused():
    whole = image_bytes(size=(800, 600), kind="JPEG", color=(1, 2, 3), quality=95)
    assert "damaged or incomplete" in refused(whole[: len(whole) // 2])
    assert "damaged or incomplete" in refused(whole[:200])  # cut inside its own header
    png = image_bytes(size=(800, 600), kind="PNG")
    assert "damaged or incomplete" in refused(png[: len(png) - 40])


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header promises width × height pixels (a decompression bomb's shape)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = zlib.compress(b"\0" * (width + 1) * 8)  # a few rows; the rest would be zeros too
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def test_a_decompression_bomb_is_refused_from_its_header_without_decoding():
    bomb = _png_claiming(50_000, 50_000)  # 2.5 gigapixels in a few hundred bytes
    assert len(bomb) < 1000
    assert "too many pixels" in refused(bomb)
    assert "too many pixels" in refused(_png_claiming(8000, 6000))  # past our own 40 megapixels


def test_a_picture_too_narrow_for_telegram_is_refused():
    assert "too narrow" in refused(image_bytes(size=(2100, 100)))
    assert pictures.normalise(image_bytes(size=(2000, 100))).width == 2000  # exactly 20:1 is fine


def test_a_polyglot_loses_everything_behind_the_image():
    script = b"<script>alert(document.cookie)</script>"
    archive = b"PK\x03\x04" + b"payload" * 10
    picture = pictures.normalise(image_bytes(kind="JPEG") + script + archive)
    assert script not in picture.data and b"PK\x03\x04" not in picture.data
    comment = image_bytes(kind="GIF", comment=script)
    assert script not in pictures.normalise(comment).data


SEEDS = {kind: image_bytes(size=(48, 32), kind=kind) for kind in ("PNG", "JPEG", "GIF", "WEBP")}


@settings(max_examples=150, deadline=None)
@given(kind=st.sampled_from(sorted(SEEDS)), cut=st.integers(0, 4000),
       flips=st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 255)), max_size=8))
def test_a_mangled_picture_is_either_taken_whole_or_refused_with_a_reason(kind, cut, flips):
    data = bytearray(SEEDS[kind][: max(1, cut)])
    for at, value in flips:
        data[at % len(data)] = value
    try:
        picture = pictures.normalise(bytes(data))
    except InvalidInput as refusal:
        assert refusal.message
    else:
        assert picture.mime in ("image/jpeg", "image/png") and opened(picture).size == (picture.width, picture.height)


def test_a_16_bit_grey_keeps_its_shades_instead_of_turning_white():
    gradient = Image.new("I", (256, 64))
    gradient.putdata([x * 257 for _ in range(64) for x in range(256)])  # 0 … 65535 across
    gradient = gradient.convert("I;16")
    out = io.BytesIO()
    gradient.save(out, "PNG")
    kept = opened(pictures.normalise(out.getvalue())).convert("L")
    low, high = kept.getextrema()
    assert low < 10 and high > 245
    assert sum(1 for v in kept.get_flattened_data() if v >= 250) / (256 * 64) < 0.1


def test_a_large_camera_jpeg_is_decoded_scaled_down_and_a_png_as_large_is_refused():
    big = Image.new("RGB", (8000, 6000), (10, 80, 40))  # 48 megapixels
    jpeg = io.BytesIO()
    big.save(jpeg, "JPEG", quality=70)
    picture = pictures.normalise(jpeg.getvalue())
    assert (picture.width, picture.height) == (pictures.MAX_SIDE, 1536)
    png = _png_claiming(6300, 6300)  # 40 megapixels, decoded whole: too many for a PNG
    assert "24 megapixels" in refused(png)


def test_a_photo_with_a_colour_profile_is_kept_in_srgb_without_the_profile():
    from PIL import ImageCms

    out = io.BytesIO()
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    Image.new("RGB", (300, 200), (200, 30, 90)).save(out, "JPEG", icc_profile=srgb)
    kept = opened(pictures.normalise(out.getvalue()))
    assert "icc_profile" not in kept.info
    assert all(abs(a - b) < 8 for a, b in zip(kept.getpixel((10, 10)), (200, 30, 90)))
