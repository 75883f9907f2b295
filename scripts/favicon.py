"""Draw the page icon (assets/favicon.png) from the Material Symbols font that ships inside Streamlit.

Run: .venv/bin/python scripts/favicon.py
Why a file: a ":material/...:" page icon makes the browser fetch an SVG from fonts.gstatic.com, and
Rapport promises no network calls. A PNG passed to st.set_page_config is served by the app itself.
The glyph is Material Symbols Rounded "handshake" (Apache License 2.0), in the theme's primary colour.
Needs Pillow with libraqm (the font draws icons by ligature).
"""

from __future__ import annotations

from pathlib import Path

import streamlit
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "assets" / "favicon.png"
COLOUR = "#2f6f5e"  # .streamlit/config.toml [theme] primaryColor
SIZE = 128


def main() -> None:
    font_file = next((Path(streamlit.__file__).parent / "static" / "static" / "media").glob(
        "MaterialSymbols-Rounded*.woff2"))
    font = ImageFont.truetype(str(font_file), int(SIZE * 0.9), layout_engine=ImageFont.Layout.RAQM)
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    left, top, right, bottom = draw.textbbox((0, 0), "handshake", font=font)
    if right - left > SIZE:  # the ligature did not apply: the word was drawn letter by letter
        raise SystemExit("This Pillow cannot apply the font's ligatures (libraqm missing).")
    draw.text(((SIZE - (right - left)) / 2 - left, (SIZE - (bottom - top)) / 2 - top), "handshake",
              font=font, fill=COLOUR)
    image.save(OUT, optimize=True)
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
