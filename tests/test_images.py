"""Uploaded images are checked, decoded and stored afresh, without their metadata."""

import struct
import zlib
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import ExifTags, Image, ImageDraw, PngImagePlugin

from zorgzaam.images import MAX_UPLOAD_BYTES, clean_image_upload


def encoded(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def upload(content: bytes, name: str = "logo.png", content_type: str = "image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def picture(size=(400, 200), mode="RGB") -> Image.Image:
    """Not a flat colour, so JPEG has something to encode; RGBA with a see-through corner."""
    image = Image.new(mode, size, "white")
    draw = ImageDraw.Draw(image)
    for x in range(0, size[0], 10):
        draw.line([(x, 0), (size[0] - x, size[1])], fill="teal", width=3)
    if mode == "RGBA":
        image.paste((0, 0, 0, 0), (0, 0, 10, 10))
    return image


def opened(result) -> Image.Image:
    return Image.open(BytesIO(result.read()))


def refused(content: bytes, name: str = "logo.png") -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        clean_image_upload(upload(content, name), max_side=800)
    return caught.value


def png_with_dimensions(width: int, height: int) -> bytes:
    """A 1×1 PNG whose header claims another size: what a decompression bomb looks like."""
    data = bytearray(encoded(Image.new("L", (1, 1)), "PNG"))
    # Signature (8), chunk length (4), b"IHDR" (4), then width and height.
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def test_a_jpeg_loses_its_gps_position_and_is_turned_upright():
    image = picture((40, 20))
    exif = image.getexif()
    exif[ExifTags.Base.Orientation] = 6  # the phone was held upright: turn 90°
    exif[ExifTags.Base.Make] = "Telefoon"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 22.0, 1.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (4.0, 53.0, 2.5)
    content = encoded(image, "JPEG", exif=exif)
    assert Image.open(BytesIO(content)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # it was there

    result = clean_image_upload(upload(content, "IMG_0001.JPG", "image/jpeg"), max_side=800)

    stored = result.read()
    assert b"Exif" not in stored and b"Telefoon" not in stored
    clean = Image.open(BytesIO(stored))
    assert clean.format == "JPEG"
    assert not clean.getexif()
    assert not clean.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert "exif" not in clean.info and "icc_profile" not in clean.info
    assert clean.size == (20, 40)
    assert result.name.endswith(".jpg") and "IMG_0001" not in result.name


def test_a_png_with_transparency_stays_png_without_its_text_chunks():
    image = picture((300, 300), "RGBA")
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "geheime notitie")
    info.add_itxt("Author", "Jan Jansen")
    content = encoded(image, "PNG", pnginfo=info, icc_profile=b"not really a profile")

    result = clean_image_upload(upload(content), max_side=800)

    stored = result.read()
    assert b"geheime" not in stored and b"Jansen" not in stored
    assert b"tEXt" not in stored and b"iTXt" not in stored and b"iCCP" not in stored
    clean = Image.open(BytesIO(stored))
    assert clean.format == "PNG" and clean.mode == "RGBA"
    assert clean.getpixel((0, 0))[3] == 0
    assert not clean.text


@pytest.mark.parametrize("mode", ["RGB", "RGBA"])
def test_an_opaque_png_becomes_a_jpeg(mode):
    image = picture(mode="RGB").convert(mode)  # RGBA, but every pixel opaque
    result = clean_image_upload(upload(encoded(image, "PNG")), max_side=800)
    assert opened(result).format == "JPEG"
    assert result.name.endswith(".jpg")


def test_large_images_are_scaled_down_on_the_long_side():
    result = clean_image_upload(upload(encoded(picture((2000, 1000)), "PNG")), max_side=800)
    assert opened(result).size == (800, 400)


def test_small_images_are_not_scaled_up():
    result = clean_image_upload(upload(encoded(picture((120, 60)), "PNG")), max_side=800)
    assert opened(result).size == (120, 60)


@pytest.mark.parametrize(
    ("image", "fmt", "expected"),
    [
        (picture(mode="CMYK"), "JPEG", "JPEG"),
        (picture().convert("P"), "GIF", "JPEG"),
        (picture(mode="RGBA"), "WEBP", "PNG"),
        (picture(mode="L"), "PNG", "JPEG"),
    ],
    ids=["cmyk-jpeg", "gif", "webp-with-alpha", "greyscale"],
)
def test_every_accepted_kind_is_stored_in_a_plain_format(image, fmt, expected):
    result = clean_image_upload(upload(encoded(image, fmt), f"logo.{fmt.lower()}"), max_side=800)
    clean = opened(result)
    assert clean.format == expected
    assert clean.mode in ("RGB", "RGBA")


def test_a_gif_with_a_transparent_colour_keeps_it():
    image = Image.new("P", (50, 50), 0)
    image.putpalette([255, 255, 255, 0, 128, 128] + [0] * 762)
    image.paste(1, (10, 10, 40, 40))
    result = clean_image_upload(upload(encoded(image, "GIF", transparency=0)), max_side=800)
    clean = opened(result)
    assert clean.format == "PNG"
    assert clean.getpixel((0, 0))[3] == 0 and clean.getpixel((20, 20))[3] == 255


def test_a_text_file_named_png_is_refused():
    error = refused(b"Dit is geen plaatje, maar een tekst.\n" * 20, "logo.png")
    assert error.code == "not_an_image"
    with translation.override("nl"):
        assert "PNG-, JPEG-, WebP- of GIF-bestand" in str(error.messages[0])


def test_an_svg_is_refused():
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b'<script>alert(1)</script><rect width="10" height="10"/></svg>'
    )
    assert refused(svg, "logo.svg").code == "not_an_image"


@pytest.mark.parametrize("fmt", ["TIFF", "BMP", "ICO"])
def test_other_image_formats_are_refused(fmt):
    assert refused(encoded(picture((32, 32)), fmt), f"logo.{fmt.lower()}").code == "not_an_image"


def test_a_dimension_bomb_is_refused_before_decoding():
    content = png_with_dimensions(5000, 5000)  # 25 megapixels in a few bytes
    assert len(content) < 100
    error = refused(content)
    assert error.code == "too_many_pixels"
    assert "20 megapixels" in error.messages[0]


def test_a_bomb_pillow_itself_refuses_gets_the_same_message():
    # 900 megapixels: beyond twice Pillow's own limit, so Image.open raises.
    assert refused(png_with_dimensions(30000, 30000)).code == "too_many_pixels"


def test_a_truncated_jpeg_is_refused():
    content = encoded(picture((800, 600)), "JPEG", quality=95)
    assert refused(content[: len(content) // 2], "photo.jpg").code == "damaged"


def test_a_truncated_png_is_refused():
    content = encoded(picture((800, 600)), "PNG")
    assert refused(content[: len(content) // 2]).code == "damaged"


def test_a_file_over_5_mb_is_refused_before_it_is_opened():
    error = refused(b"\x89PNG\r\n\x1a\n" + b"0" * MAX_UPLOAD_BYTES)
    assert error.code == "too_big"
    assert "5 MB" in error.messages[0]


def test_names_are_random():
    content = encoded(picture(), "PNG")
    names = {clean_image_upload(upload(content), max_side=800).name for _ in range(5)}
    assert len(names) == 5
