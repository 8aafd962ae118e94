"""Pictures Pinbridge keeps: read by their content, checked, and normalised to what both platforms take.

Whatever arrives — a photo or a file sent on a platform, a page's og:image — is opened only by
Pillow's JPEG, PNG, GIF and WebP decoders (never by its name or declared type: no SVG, no
TIFF, no PSD), refused before decoding when its header promises more pixels than allowed
(a decompression bomb is a small file that claims a huge canvas), decoded fully (a
truncated file fails here, not later on a platform), turned upright (EXIF orientation), and
written afresh as JPEG — PNG when it has transparency — no larger than MAX_SIDE on its
longest side. Writing afresh drops everything else the file carried: EXIF (camera, GPS
position), comments, trailing bytes of a polyglot.

The limits kept inside are the strictest published by the shipped platforms for a photo
(at most 10 MB, width + height at most 10,000, a ratio of at most 20:1, and 20 MB for a
file a bot downloads); README "Pictures" cites each platform's rule.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import threading
import warnings
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from core.errors import InvalidInput
from core.text import tr

FORMATS = ("JPEG", "PNG", "GIF", "WEBP")  # the only decoders a picture ever reaches
MAX_INPUT_BYTES = 20 * 1024 * 1024  # the largest file a bot may download from a platform
MAX_INPUT_PIXELS = 50_000_000  # what a JPEG's header may promise (a 50-megapixel camera photo)
MAX_WHOLE_PIXELS = 24_000_000  # PNG, GIF, WebP: decoded whole, at up to 4 bytes a pixel (an 8K screenshot is 33)
DECODING_AT_ONCE = 2  # pictures decoded at the same time per process
MAX_SIDE = 2048  # the longest side kept: sharp on any screen, far inside 10,000 for width + height
MAX_RATIO = 20  # "Width and height ratio must be at most 20"
MAX_OUTPUT_BYTES = 10 * 1024 * 1024  # "The photo must be at most 10 MB in size"
JPEG_QUALITY = 85


@dataclass(frozen=True)
class Picture:
    """A normalised picture: its bytes, their type, its size in pixels."""

    data: bytes
    mime: str  # image/jpeg | image/png
    width: int
    height: int


def normalise(data: bytes) -> Picture:
    """The picture in `data`, checked and rewritten; InvalidInput saying what is wrong otherwise."""
    if not data:
        raise InvalidInput(tr("That file is empty."))
    if len(data) > MAX_INPUT_BYTES:
        raise InvalidInput(tr("That picture is too large ({size} MB; the limit is {limit} MB).",
                              size=len(data) // (1024 * 1024), limit=MAX_INPUT_BYTES // (1024 * 1024)))
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)  # our own pixel limit speaks first
        try:
            image = Image.open(io.BytesIO(data), formats=FORMATS)
        except UnidentifiedImageError:
            raise InvalidInput(tr("That is not a picture Pinbridge takes (JPEG, PNG, GIF or WebP).")) from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise InvalidInput(tr("That picture claims too many pixels.")) from None
        except (OSError, SyntaxError, ValueError, EOFError):  # cut off inside its own header
            raise InvalidInput(DAMAGED) from None
        width, height = image.size
        # A JPEG is decoded already scaled down (draft: 1/2, 1/4 or 1/8 in the decoder), so its memory follows
        # the kept size; the others are decoded whole first, so fewer of their pixels are taken.
        limit = MAX_INPUT_PIXELS if image.format == "JPEG" else MAX_WHOLE_PIXELS
        if width < 1 or height < 1 or width * height > limit:
            raise InvalidInput(tr("That picture claims too many pixels ({width}×{height}; the limit is {limit} megapixels).",
                                  width=width, height=height, limit=limit // 1_000_000))
        if max(width, height) > MAX_RATIO * min(width, height):
            raise InvalidInput(tr("That picture is too narrow to show ({width}×{height}; at most {ratio}:1).",
                                  width=width, height=height, ratio=MAX_RATIO))
        with _DECODING:  # a few at a time per process: memory stays bounded however many arrive at once
            try:
                if image.format == "JPEG":
                    image.draft("RGB", (MAX_SIDE, MAX_SIDE))
                image.seek(0)  # an animation: its first frame
                image.load()
                image = ImageOps.exif_transpose(image)  # reads the EXIF block: damaged ones fail here
                image = _in_srgb(_eight_bit(image))
                image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
                return _encode(image)
            except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombWarning):
                raise InvalidInput(DAMAGED) from None


def _eight_bit(image: Image.Image) -> Image.Image:
    """16- and 32-bit greys scaled to 8 bits (Pillow's convert would clip them to white)."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N"):
        return image.point(lambda value: value / 256).convert("L")
    if image.mode in ("I", "F"):
        low, high = image.getextrema()
        scale = 255 / (high - low) if high > low else 0
        return image.point(lambda value: (value - low) * scale).convert("L")
    return image


def _in_srgb(image: Image.Image) -> Image.Image:
    """Colours turned into sRGB when the file says they are in another space (a Display P3 photo, say): the
    profile itself is not kept, so without this its colours would shift."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA", "L", "CMYK"):
        return image
    try:
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(image, io.BytesIO(profile), _SRGB, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # a profile littlecms cannot read: the pixels as they are


DAMAGED = tr("That picture is damaged or incomplete.")
_DECODING = threading.BoundedSemaphore(DECODING_AT_ONCE)
_SRGB = ImageCms.createProfile("sRGB")


def _encode(image: Image.Image) -> Picture:
    transparent = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    if transparent:
        rgba = image.convert("RGBA")
        if rgba.getextrema()[3][0] < 255:  # some pixel really is see-through
            data = _save(rgba, "PNG", optimize=True)
            if len(data) <= MAX_OUTPUT_BYTES:
                return Picture(data, "image/png", *rgba.size)
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    rgb = image.convert("RGB")
    return Picture(_save(rgb, "JPEG", quality=JPEG_QUALITY, optimize=True), "image/jpeg", *rgb.size)


def _save(image: Image.Image, kind: str, **options) -> bytes:
    out = io.BytesIO()
    image.info.clear()  # Pillow would carry a source's comment (a script, say), ICC profile or EXIF into the new file
    image.save(out, kind, **options)  # a fresh file: nothing of the source but its pixels
    return out.getvalue()


def key_of(secret: bytes, data: bytes) -> str:
    """The picture's name: an HMAC of its bytes with the server's secret, so the same picture is kept once and
    nobody who lacks the secret can name a picture from its content (a secret pin's picture is not guessable)."""
    return hmac.new(secret, data, hashlib.sha256).hexdigest()


def is_key(text: str) -> bool:
    """A well-formed picture name (64 lowercase hex digits): anything else is never looked up."""
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)
