"""WCAG 2 contrast for the report tests: relative luminance, contrast ratio, and alpha
compositing, so a colour drawn with transparency or opacity is measured as it shows.

https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio and #dfn-relative-luminance.
"""

from __future__ import annotations

import re

RGBA = tuple[float, float, float, float]  # channels 0..255, alpha 0..1
WHITE: RGBA = (255.0, 255.0, 255.0, 1.0)
AA_NORMAL_TEXT = 4.5

_FUNCTION = re.compile(r"rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)")


def parse(text: str) -> RGBA:
    """`#rrggbb`, `#rgb`, `rgb(r, g, b)` or `rgba(r, g, b, a)` (as browsers report them)."""
    text = text.strip()
    if text.startswith("#"):
        digits = text[1:]
        if len(digits) == 3:
            digits = "".join(d * 2 for d in digits)
        return (float(int(digits[0:2], 16)), float(int(digits[2:4], 16)), float(int(digits[4:6], 16)), 1.0)
    match = _FUNCTION.fullmatch(text)
    if match is None:
        raise ValueError(f"not a colour this helper reads: {text!r}")
    r, g, b, a = match.groups()
    alpha = 1.0 if a is None else float(a[:-1]) / 100 if a.endswith("%") else float(a)
    return (float(r), float(g), float(b), alpha)


def all_colours(text: str) -> list[RGBA]:
    """Every rgb()/rgba() colour in a CSS value, such as the stops of a gradient."""
    return [parse(m.group(0)) for m in _FUNCTION.finditer(text)]


def over(top: RGBA, under: RGBA) -> RGBA:
    """`top` painted over an opaque `under` (source-over compositing)."""
    a = top[3]
    return (*(a * t + (1 - a) * u for t, u in zip(top[:3], under[:3], strict=True)), 1.0)  # type: ignore[return-value]


def with_opacity(colour: RGBA, opacity: float) -> RGBA:
    return (colour[0], colour[1], colour[2], colour[3] * opacity)


def luminance(colour: RGBA) -> float:
    def linear(channel: float) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in colour[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(foreground: RGBA, background: RGBA) -> float:
    """The contrast ratio of text in `foreground` over `background` (1 to 21); a translucent
    foreground is first composited over the background, as it is drawn."""
    bg = over(background, WHITE)
    fg = over(foreground, bg)
    light, dark = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
