"""Keeping 100 photos: checked, normalised and stored (bridge.media.Pictures), memory bounded.

Photos of the sizes people send (12-megapixel JPEGs both ways up, a 4K PNG screenshot, a
panorama, a GIF), each one different, are kept one after another in a folder store with a
SQLite database, beside the floor measured in the same run: bare Pillow doing only the
decode, the resize to 2,048 px and the JPEG encode, with no checks, no key and no storage.
Resident memory is read after 10, 50 and 100 photos: it must plateau (one photo at a time
is decoded; nothing is kept in memory after it is stored).

    python -m bench.pictures_bench [--photos 100]
"""

from __future__ import annotations

import argparse
import io
import random
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw

from bench.report import ratio
from bridge import migrate
from bridge.media import FolderStore, Pictures
from core import pictures
from core.db import make_engine, make_session_factory

SHAPES = (((4000, 3000), "JPEG"), ((3000, 4000), "JPEG"), ((3840, 2160), "PNG"), ((6000, 1200), "JPEG"),
          ((800, 600), "GIF"))


def base_images() -> list[tuple[Image.Image, str]]:
    """One textured picture per shape (noise compresses like a photo, not like a flat colour)."""
    made = []
    for (width, height), kind in SHAPES:
        noise = Image.effect_noise((width // 4, height // 4), 64).convert("RGB").resize((width, height))
        made.append((noise, kind))
    return made


def photo(bases, n: int) -> bytes:
    """The n-th photo: a base picture with its own mark, so every photo is a different picture."""
    image, kind = bases[n % len(bases)]
    image = image.copy()
    rng = random.Random(n)
    ImageDraw.Draw(image).rectangle([rng.randrange(100), rng.randrange(100), 400, 400], fill=(n % 256, 40, 200))
    out = io.BytesIO()
    image.save(out, kind, **({"quality": 90} if kind == "JPEG" else {}))
    return out.getvalue()


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bare(data: bytes) -> bytes:
    image = Image.open(io.BytesIO(data))
    image.load()
    image.thumbnail((pictures.MAX_SIDE, pictures.MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=pictures.JPEG_QUALITY, optimize=True)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        bases = base_images()
        files = []
        for n in range(args.photos):  # made up front, on disk: read one at a time, as they arrive
            files.append(folder / f"photo{n}")
            files[-1].write_bytes(photo(bases, n))
        del bases
        megabytes = sum(f.stat().st_size for f in files) / 1e6
        db = make_engine(f"sqlite:///{folder}/bench.db")
        migrate.upgrade(db)
        kept = Pictures(make_session_factory(db), FolderStore(folder / "media"), secret="bench-secret-0123456")
        kept.keep(files[-1].read_bytes())  # the secret, the first connection: not part of the timing
        marks, start_rss = {}, rss_mib()
        started = time.perf_counter()
        for n, path in enumerate(files, 1):
            kept.keep(path.read_bytes())
            if n in (10, 50, args.photos):
                marks[n] = rss_mib()
        ours = time.perf_counter() - started
        stored = sum(f.stat().st_size for f in (folder / "media").rglob("*") if f.is_file()) / 1e6
        db.dispose()
        started = time.perf_counter()
        for path in files:
            bare(path.read_bytes())
        floor = time.perf_counter() - started
    print(f"{args.photos} photos, {megabytes:.0f} MB in, {stored:.0f} MB kept")
    print(f"{'kept (checked, normalised, stored)':<40} {ours:6.1f} s  {ours / args.photos * 1000:6.0f} ms/photo")
    print(f"{'bare Pillow (decode, resize, encode)':<40} {floor:6.1f} s  {floor / args.photos * 1000:6.0f} ms/photo")
    print("RSS MiB: before " + f"{start_rss:.0f}, " + ", ".join(f"after {n}: {v:.0f}" for n, v in marks.items()))
    ratio(f"keeping {args.photos} photos", f"{ours:.1f} s ({ours / args.photos * 1000:.0f} ms each)",
          f"bare Pillow {floor:.1f} s", ours / floor, "near the floor")
    growth = marks[args.photos] - marks[min(marks)]
    ratio(f"RSS while keeping {args.photos} photos", f"{start_rss:.0f} → " + " → ".join(f"{v:.0f}" for v in marks.values())
          + " MiB", "plateau after the first photos", growth, "no growth (MiB from 10 to the last)")


if __name__ == "__main__":
    main()
