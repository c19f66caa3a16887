#!/usr/bin/python3
"""Generates the test fixtures that OpenCV cannot encode itself. Run with Debian's python3 (python3-pil):
    /usr/bin/python3 tests/Embedder.Tests/Fixtures/make_fixtures.py
cmyk.jpg: a 64x48 CMYK JPEG (Adobe APP14 marker, as Photoshop and print workflows write them) with four coloured
quadrants: red top-left, green top-right, blue bottom-left, white bottom-right.
"""
from pathlib import Path
from PIL import Image

here = Path(__file__).parent
rgb = Image.new("RGB", (64, 48))
quadrants = [((0, 0), (255, 0, 0)), ((32, 0), (0, 255, 0)), ((0, 24), (0, 0, 255)), ((32, 24), (255, 255, 255))]
for (x, y), colour in quadrants:
    rgb.paste(colour, (x, y, x + 32, y + 24))
rgb.convert("CMYK").save(here / "cmyk.jpg", quality=95)
print("wrote", here / "cmyk.jpg")
