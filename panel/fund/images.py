"""Small images people upload (the fund's logo, a report's photos), checked by their content.

Only PNG and JPEG are taken: never SVG (it can carry script) and never a file because of its
name. A PNG must be whole (every chunk's CRC right, ending in IEND), a JPEG must start and end
like one and name its size; both must be within a size in bytes and in pixels, so that a small
file cannot unpack into a huge picture.
"""

import struct
import zlib
from dataclasses import dataclass

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_SIDE = 6000
MAX_PIXELS = 24_000_000
# JPEG markers that carry the frame's size (SOF0-3, 5-7, 9-11, 13-15).
SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


class ImageRefused(ValueError):
    """An upload that is not a picture we take, with a message fit to show."""


@dataclass(frozen=True)
class CheckedImage:
    content_type: str
    width: int
    height: int
    size: int


def _png_size(data: bytes) -> tuple[int, int]:
    at, width, height, seen_end = len(PNG_SIGNATURE), 0, 0, False
    first = True
    while at + 12 <= len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        body = data[at + 8 : at + 8 + length]
        if len(body) != length or at + 12 + length > len(data):
            raise ValueError("cut short")
        (crc,) = struct.unpack(">I", data[at + 8 + length : at + 12 + length])
        if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            raise ValueError("bad chunk")
        if first:
            if kind != b"IHDR" or length != 13:
                raise ValueError("no header")
            width, height = struct.unpack(">II", body[:8])
            first = False
        at += 12 + length
        if kind == b"IEND":
            seen_end = True
            break
    if not seen_end or first:
        raise ValueError("no end")
    return width, height


def _jpeg_size(data: bytes) -> tuple[int, int]:
    if not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        raise ValueError("no end")
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            raise ValueError("not a marker")
        marker = data[at + 1]
        if marker == 0xFF:
            at += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if marker in SOF_MARKERS:
            if at + 9 > len(data):
                raise ValueError("cut short")
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return width, height
        if marker == 0xDA:  # image data starts before any frame size: not a JPEG we take
            break
        at += 2 + length
    raise ValueError("no size")


def check_image(data: bytes, *, max_bytes: int, what: str = "The file") -> CheckedImage:
    """The picture's type and size if `data` is a whole PNG or JPEG within the limits;
    ImageRefused (saying why, in plain words) otherwise."""
    if not data:
        raise ImageRefused(f"{what} is empty. Choose a PNG or JPEG picture.")
    if len(data) > max_bytes:
        raise ImageRefused(
            f"{what} is {len(data) / 1024:,.0f} KB: it must be {max_bytes // 1024:,} KB or smaller."
        )
    try:
        if data.startswith(PNG_SIGNATURE):
            content_type, (width, height) = "image/png", _png_size(data)
        elif data.startswith(b"\xff\xd8\xff"):
            content_type, (width, height) = "image/jpeg", _jpeg_size(data)
        else:
            raise ImageRefused(
                f"{what} is not a PNG or JPEG picture (whatever its name says). "
                "Save it as a PNG or JPEG and try again."
            )
    except (ValueError, struct.error) as exc:
        if isinstance(exc, ImageRefused):
            raise
        raise ImageRefused(
            f"{what} looks damaged: it is not a whole PNG or JPEG picture. Save it again and retry."
        ) from exc
    if not width or not height or max(width, height) > MAX_SIDE or width * height > MAX_PIXELS:
        raise ImageRefused(
            f"{what} is {width} by {height} pixels: make it {MAX_SIDE} pixels or fewer each way."
        )
    return CheckedImage(content_type, width, height, len(data))
