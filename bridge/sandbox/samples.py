"""What the sandbox offers a newcomer to pin in one gesture: sample pictures, and posts to forward.

The pictures are painted here (a sky over a hill, in three shapes), so the sandbox ships no image
files and every one is a real JPEG that Pinbridge checks and keeps like any photo.
"""

from __future__ import annotations

import functools
import io

from PIL import Image, ImageDraw

PICTURES = {  # name: (size, (ground, sky), caption)
    "tent": ((800, 1100), ((46, 94, 78), (205, 225, 190)), "Our tent above the lake"),
    "ridge": ((1400, 700), ((24, 54, 110), (240, 190, 120)), "Sunrise over the ridge"),
    "canyon": ((900, 900), ((90, 40, 30), (230, 160, 90)), "Canyon walls at noon"),
}

# A public channel's posts, as a forward carries them (MessageOrigin "channel").
CHANNEL = {"type": "channel", "chat": {"id": -1001000000001, "type": "channel", "title": "Trail Weekly",
                                        "username": "trailweekly"}}
POSTS = {
    "huts": ("Five mountain huts worth the climb https://example.com/huts", 41),
    "news": ("Snow is back on the high passes this weekend — plan for it.", 42),
}


@functools.cache
def picture(name: str) -> bytes:
    """One sample picture as JPEG bytes (KeyError for a name the sandbox does not offer)."""
    size, colours, _ = PICTURES[name]
    return painting(size, colours)


def painting(size: tuple[int, int], colours: tuple[tuple[int, ...], tuple[int, ...]], quality: int = 85) -> bytes:
    """A sky over a hill as JPEG bytes: `colours` are the ground's and the sky's."""
    (width, height), (ground, sky) = size, colours
    image = Image.new("RGB", (width, height), ground)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line([(0, y), (width, y)], fill=tuple(int(sky[i] * (1 - t) + ground[i] * t) for i in range(3)))
    draw.ellipse([-width // 3, int(height * .62), int(width * 1.3), int(height * 1.6)], fill=ground)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def forwarded(name: str) -> tuple[str, dict]:
    """A sample channel post: its text, and the forward_origin a forward of it carries."""
    text, message_id = POSTS[name]
    return text, {**CHANNEL, "message_id": message_id}
