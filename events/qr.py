"""QR codes for flyers and tickets, as PNG and SVG."""

import io

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M

# Medium error correction survives a crumpled or slightly smudged flyer.
_ERROR_CORRECTION = ERROR_CORRECT_M
PNG_SIZES = {"s": 4, "m": 8, "l": 16}  # pixels per module


def _qr(data: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=_ERROR_CORRECTION, border=4)
    code.add_data(data)
    code.make(fit=True)
    return code


def qr_png(data: str, *, box_size: int = 8) -> bytes:
    code = _qr(data)
    code.box_size = box_size
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(data: str) -> bytes:
    """A scalable QR code: one path, crisp at any print size."""
    code = _qr(data)
    code.box_size = 10
    image = code.make_image(image_factory=qrcode.image.svg.SvgPathFillImage)
    return image.to_string(encoding="unicode").encode()
