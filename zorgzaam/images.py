"""Uploaded images, made safe to store and show: checked, decoded and encoded afresh.

An upload is never stored as sent. Only PNG, JPEG, WebP and GIF are opened (Pillow's
other decoders, some of which call external programs, are never tried), the size is
checked before any pixel is decoded, and what is stored is a new image holding only the
pixels: no EXIF (with the GPS position of the phone that took it), no ICC or text chunks,
no trailing data, under a random name.
"""

import secrets
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 20_000_000
ACCEPTED_FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
JPEG_QUALITY = 85

MESSAGES = {
    "too_big": _("This file is larger than 5 MB. Please choose a smaller image."),
    "not_an_image": _(
        "We cannot use this file as an image. Please choose a PNG, JPEG, WebP or GIF file."
    ),
    "too_many_pixels": _(
        "This image is too large: it has more than 20 megapixels. Please make it smaller."
    ),
    "damaged": _("This image is damaged or incomplete. Please try another file."),
}


def _refuse(code: str) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code)


def _may_have_transparency(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def clean_image_upload(upload, *, max_side: int) -> ContentFile:
    """A re-encoded copy of an uploaded image, at most `max_side` pixels on its long side.

    PNG when the image has transparency, JPEG otherwise. Raises ValidationError with a
    message for the form when the file is too big, not an accepted image, a decompression
    bomb, or damaged.
    """
    size = getattr(upload, "size", None)
    if size is None or size > MAX_UPLOAD_BYTES:
        raise _refuse("too_big")
    upload.seek(0)
    try:
        # Lazy: reads the header only. Pillow itself refuses sizes far beyond ours.
        original = Image.open(upload, formats=ACCEPTED_FORMATS)
    except Image.DecompressionBombError:
        raise _refuse("too_many_pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise _refuse("not_an_image") from None
    with original:
        if original.format not in ACCEPTED_FORMATS:
            raise _refuse("not_an_image")
        width, height = original.size
        if width < 1 or height < 1 or width * height > MAX_PIXELS:
            raise _refuse("too_many_pixels")
        try:
            content, extension = _reencode(original, max_side=max_side)
        except Image.DecompressionBombError:
            raise _refuse("too_many_pixels") from None
        except Exception:  # any decoder failure: truncated data, bad chunks, broken EXIF
            raise _refuse("damaged") from None
    return ContentFile(content, name=f"{secrets.token_hex(16)}.{extension}")


def _reencode(original: Image.Image, *, max_side: int) -> tuple[bytes, str]:
    original.seek(0)  # an animation becomes its first frame
    if original.format == "JPEG":
        # Decode at a scale just above what is kept: a fraction of the memory and time.
        original.draft(None, (max_side, max_side))
    original.load()
    # Turned as the camera meant it, before the EXIF that says so is dropped.
    image = ImageOps.exif_transpose(original)
    # PNG only when some pixel is see-through: an opaque image is smaller as a JPEG.
    if _may_have_transparency(image):
        image = image.convert("RGBA")
    if image.mode == "RGBA" and image.getchannel("A").getextrema()[0] < 255:
        fmt, extension = "PNG", "png"
    else:
        image, fmt, extension = image.convert("RGB"), "JPEG", "jpg"
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    # A new image from the pixels alone: nothing of the original's metadata comes along.
    fresh = Image.frombytes(image.mode, image.size, image.tobytes())
    buffer = BytesIO()
    if fmt == "PNG":
        fresh.save(buffer, format="PNG", optimize=True)
    else:
        fresh.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue(), extension
