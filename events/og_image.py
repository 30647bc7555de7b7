"""A meeting's link-preview image (Open Graph): title, date and place on a 1200×630 PNG."""

import io
import unicodedata
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
TEXT_WIDTH = WIDTH - 2 * MARGIN
BAND = 96  # the green band at the top
LAYOUT_VERSION = 1  # raise when the drawing changes, so cached images are made anew

GREEN, GREEN_DARK, SAND, INK, GREY, RED = (
    "#0b5d52",
    "#074238",
    "#f6f1e7",
    "#1d2327",
    "#4a5156",
    "#a4161a",
)
ELLIPSIS = "…"
TITLE_SIZES = (76, 64, 54)  # the largest at which the whole title fits in TITLE_LINES
TITLE_LINES = 3

# Debian's fonts-dejavu-core has the letters of Dutch, Turkish and Arabic names. Pillow's
# own font stands in when it is not installed: it has ASCII only (other letters show as
# boxes), but never fails.
FONT_FILES = {"bold": "DejaVuSans-Bold.ttf", "regular": "DejaVuSans.ttf"}


@lru_cache(maxsize=32)
def _font(weight: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(FONT_FILES[weight], size)
    except OSError:
        return ImageFont.load_default(size=size)


def _clean(text: str) -> str:
    """One line of text: control characters out, runs of white space as one space."""
    text = "".join(" " if unicodedata.category(char) == "Cc" else char for char in text)
    return " ".join(text.split())


def _is_rtl(text: str) -> bool:
    """Whether the first letter with a direction is written right to left (Arabic, Hebrew)."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def _fits(text: str, font, width: int) -> bool:
    return font.getlength(text) <= width


def _cut(text: str, font, width: int) -> str:
    """`text` shortened to fit `width` with an ellipsis, when it does not fit as it is."""
    if _fits(text, font, width):
        return text
    while text and not _fits(text + ELLIPSIS, font, width):
        text = text[:-1].rstrip()
    return text + ELLIPSIS


def _longest_fitting_prefix(word: str, font, width: int) -> int:
    """How many characters of `word` fit in `width` (at least one, so wrapping ends)."""
    low, high = 1, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if _fits(word[:middle], font, width):
            low = middle
        else:
            high = middle - 1
    return low


def wrap(text: str, font, width: int, max_lines: int) -> tuple[list[str], bool]:
    """Lines of at most `width` pixels, and whether all of `text` fits in `max_lines`.

    Words go to the next line as a whole; a word longer than a line is broken where the
    line is full. What does not fit ends the last line in an ellipsis.
    """
    lines: list[str] = []
    current = ""
    for word in _clean(text).split(" "):
        candidate = f"{current} {word}" if current else word
        if _fits(candidate, font, width):
            current = candidate
            continue
        if current:
            lines.append(current)
        while word and not _fits(word, font, width):
            cut = _longest_fitting_prefix(word, font, width)
            lines.append(word[:cut])
            word = word[cut:]
        current = word
        if len(lines) > max_lines:
            break
    if current:
        lines.append(current)
    if len(lines) <= max_lines:
        return lines, True
    kept = lines[:max_lines]
    kept[-1] = _cut(kept[-1] + ELLIPSIS, font, width)
    return kept, False


def _line(draw, y: int, text: str, font, fill: str, *, anchor_y: str = "a") -> None:
    """One line at height `y`, from the left margin, or the right one for Arabic script."""
    if _is_rtl(text):
        draw.text((WIDTH - MARGIN, y), text, font=font, fill=fill, anchor="r" + anchor_y)
    else:
        draw.text((MARGIN, y), text, font=font, fill=fill, anchor="l" + anchor_y)


def og_image_png(
    *,
    title: str,
    when: str,
    where: str,
    organisation: str,
    site: str,
    address: str = "",
    label: str = "",
) -> bytes:
    """The image for one meeting; `label` (e.g. "Cancelled") is shown in red at the top."""
    image = Image.new("RGB", (WIDTH, HEIGHT), SAND)
    draw = ImageDraw.Draw(image)

    # A green band with the site's name and, after it, the organisation's.
    draw.rectangle((0, 0, WIDTH, BAND), fill=GREEN)
    site_font = _font("bold", 40)
    site_text = _clean(site)
    draw.text((MARGIN, BAND // 2), site_text, font=site_font, fill="white", anchor="lm")
    org_font = _font("regular", 30)
    org_left = MARGIN + int(site_font.getlength(site_text)) + 32
    org_text = _cut(_clean(organisation), org_font, WIDTH - MARGIN - org_left)
    if org_text != ELLIPSIS:
        draw.text((WIDTH - MARGIN, BAND // 2), org_text, font=org_font, fill="white", anchor="rm")

    # From the bottom up: the address, where, when and a rule; the title fills the rest.
    if address:
        address_font = _font("regular", 28)
        address_text = _cut(_clean(address), address_font, TEXT_WIDTH)
        draw.text((MARGIN, HEIGHT - 36), address_text, font=address_font, fill=GREY, anchor="ls")
    detail_font = _font("regular", 40)
    baseline = HEIGHT - 92
    details = [text for text in map(_clean, (when, where)) if text]
    for text in reversed(details):
        _line(draw, baseline, _cut(text, detail_font, TEXT_WIDTH), detail_font, INK, anchor_y="s")
        baseline -= 56
    rule = baseline - 12
    draw.rectangle((MARGIN, rule, MARGIN + 120, rule + 6), fill=GREEN)

    top = BAND + 32
    if label:
        label_font = _font("bold", 32)
        _line(draw, top, _cut(_clean(label), label_font, TEXT_WIDTH), label_font, RED)
        top += 48
    room = rule - 24 - top
    for size in TITLE_SIZES:
        title_font = _font("bold", size)
        line_height = int(size * 1.22)
        max_lines = max(1, min(TITLE_LINES, room // line_height))
        lines, complete = wrap(title, title_font, TEXT_WIDTH, max_lines)
        if complete:
            break
    # A short title sits in the middle of its room rather than under the band.
    y = top + max(0, (room - len(lines) * line_height) // 2)
    for line in lines:
        _line(draw, y, line, title_font, GREEN_DARK)
        y += line_height

    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()
