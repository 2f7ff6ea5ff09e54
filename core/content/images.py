"""The chat's logo and favicon (content/web.yml): SVG or PNG files in content/.

The loader checks them once at start (problems name web.yml and the field);
the web service serves the checked bytes with the type found here. An SVG is
a document that could carry a script: refused here, though the service's
Content-Security-Policy would block one anyway.
"""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional, Tuple

CONTENT_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}
# Bytes at most: a logo or an icon is small; a bigger file is likely a photo
# or an export with embedded fonts, slow on a phone.
MAX_BYTES = {"logo": 200_000, "favicon": 100_000}
MAX_PIXELS = 4096
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_LENGTH = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(px)?\s*")
# What may make an SVG load or run something.
_ACTIVE_TAGS = {"script", "foreignobject", "iframe", "embed", "object"}


@dataclass(frozen=True)
class Image:
    body: bytes
    content_type: str
    width: int
    height: int


class ImageError(ValueError):
    pass


def read_image(path: Path, field: str) -> Image:
    """The checked image, or ImageError saying in words what is wrong with it."""
    if not path.is_file():
        raise ImageError(f"the file {path.name} is missing (looked in {path.parent})")
    body = path.read_bytes()
    limit = MAX_BYTES[field]
    if len(body) > limit:
        raise ImageError(f"{path.name} is {len(body) // 1000} kB; at most {limit // 1000} kB")
    suffix = path.suffix.lower()
    width, height = _svg_size(body) if suffix == ".svg" else _png_size(body)
    if not (0 < width <= MAX_PIXELS and 0 < height <= MAX_PIXELS):
        raise ImageError(f"{path.name} is {width}×{height} pixels; each side must be 1 to {MAX_PIXELS}")
    return Image(body=body, content_type=CONTENT_TYPES[suffix], width=width, height=height)


def image_problems(directory: Path, web) -> Iterator[str]:
    """Problems of the logo and favicon named in web.yml, for the loader."""
    for field in ("logo", "favicon"):
        name: Optional[str] = getattr(web, field)
        if name is None:
            continue
        try:
            read_image(Path(directory) / name, field)
        except ImageError as error:
            yield f"web.yml: {field}: {error}"


def _png_size(body: bytes) -> Tuple[int, int]:
    if not body.startswith(PNG_SIGNATURE) or body[12:16] != b"IHDR":
        raise ImageError("not a PNG file (save it again as PNG)")
    return struct.unpack(">II", body[16:24])


def _svg_size(body: bytes) -> Tuple[int, int]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ImageError("an SVG file must be UTF-8 text") from error
    if "<!ENTITY" in text:
        raise ImageError("an SVG file must not declare entities (<!ENTITY)")
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        raise ImageError(f"not a valid SVG file: {error}") from error
    if _local(root.tag) != "svg":
        raise ImageError("not an SVG file: it does not start with <svg>")
    for element in root.iter():
        if _local(element.tag).lower() in _ACTIVE_TAGS:
            raise ImageError(f"an SVG logo must not contain <{_local(element.tag)}>")
        for attribute, value in element.attrib.items():
            name = _local(attribute).lower()
            if name.startswith("on"):
                raise ImageError(f"an SVG logo must not contain event attributes ({name})")
            if name == "href" and not value.startswith(("#", "data:image/")):
                raise ImageError(f"an SVG logo must not load other files ({value})")
    width, height = _length(root.get("width")), _length(root.get("height"))
    if width and height:
        return round(width), round(height)
    view_box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(view_box) == 4:
        try:
            return round(float(view_box[2])), round(float(view_box[3]))
        except ValueError:
            pass
    raise ImageError("an SVG file needs a viewBox (or width and height in pixels)")


def _length(value: Optional[str]) -> Optional[float]:
    match = _LENGTH.fullmatch(value or "")
    return float(match.group(1)) if match else None


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]
