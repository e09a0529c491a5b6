"""The focus ring is seen on every background (WCAG 2.2, 1.4.11: at least 3:1): dark on the light page,
cards and notices, amber on the dark top bar."""
from __future__ import annotations

import re
from pathlib import Path

CSS = (Path(__file__).parents[2] / "api" / "static" / "web.css").read_text(encoding="utf-8")


def _var(name: str) -> str:
    match = re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}}|#[0-9a-fA-F]{{3}}\b)", CSS)
    assert match, name
    colour = match.group(1)
    return colour if len(colour) == 7 else "#" + "".join(c * 2 for c in colour[1:])


def _luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(colour[i:i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_focus_ring_has_three_to_one_on_light_backgrounds_and_on_the_top_bar():
    assert ":focus-visible { outline:3px solid var(--focus)" in CSS
    for background in ("#ffffff", _var("bg"), _var("card"), _var("info-bg"), _var("good-bg"), _var("bad-bg"),
                       _var("warn-bg")):
        assert contrast(_var("focus"), background) >= 3, background
    topbar = re.search(r"\.topbar \{ background:(#[0-9a-fA-F]{6})", CSS)
    assert topbar and contrast(_var("focus-on-dark"), topbar.group(1)) >= 3
    assert contrast("#f59e0b", "#ffffff") < 3  # the amber ring it replaces did not meet it
