"""QR codes for flyers and tickets, as PNG and SVG.

The `qrcode` package encodes; the images are drawn here from its module matrix, which
is several times faster than its per-module drawing (see docs/benchmarks.md).
"""

import io

import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

# Medium error correction survives a crumpled or slightly smudged flyer.
_ERROR_CORRECTION = ERROR_CORRECT_M
_BORDER = 4  # the quiet zone, in modules, that scanners need
PNG_SIZES = {"s": 4, "m": 8, "l": 16}  # pixels per module


def _matrix(data: str) -> list[list[bool]]:
    """The modules, dark or light, including the quiet zone."""
    code = qrcode.QRCode(error_correction=_ERROR_CORRECTION, border=_BORDER)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def qr_png(data: str, *, box_size: int = 8) -> bytes:
    matrix = _matrix(data)
    size = len(matrix)
    pixels = bytes(0 if dark else 255 for row in matrix for dark in row)
    image = Image.frombytes("L", (size, size), pixels).convert("1")
    image = image.resize((size * box_size, size * box_size), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def qr_svg(data: str) -> bytes:
    """A scalable QR code: one path of squares, crisp at any print size."""
    matrix = _matrix(data)
    size = len(matrix)
    squares = "".join(
        f"M{x},{y}H{x + 1}V{y + 1}H{x}z"
        for y, row in enumerate(matrix)
        for x, dark in enumerate(row)
        if dark
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size * 10}" height="{size * 10}" '
        f'viewBox="0 0 {size} {size}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path d="{squares}" fill="#000"/></svg>'
    ).encode()
