"""What an image URL serves, as far as a stand-in that never fetches URLs can tell."""

from __future__ import annotations

from urllib.parse import urlsplit

# The stand-ins cannot download a URL, so they go by a registry the tests fill (register_image on each
# stand-in) and otherwise by the URL path's extension; a URL with neither is of unknown type and passes.
EXTENSIONS = {
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
    ".webp": "image/webp", ".svg": "image/svg+xml", ".bmp": "image/bmp", ".tif": "image/tiff",
    ".tiff": "image/tiff", ".heic": "image/heic",
}


def image_type_by_extension(url: str) -> str | None:
    """The content type a URL's path extension names, or None."""
    path = urlsplit(url).path.lower()
    return next((kind for ext, kind in EXTENSIONS.items() if path.endswith(ext)), None)


class ImageRegistry:
    """What a stand-in knows of image URLs; the stand-in brings `_lock` and `_images` (URL -> content type)."""

    def register_image(self, url: str, content_type: str) -> None:
        """Tell the stand-in what a URL serves (it never fetches it), e.g. ("https://x/p", "image/webp")."""
        with self._lock:
            self._images[url] = content_type

    def image_type(self, url: str) -> str | None:
        """A URL's content type: registered, else named by its extension, else None (unknown)."""
        with self._lock:
            registered = self._images.get(url)
        return registered or image_type_by_extension(url)
