"""Exporting charts: PNG at 2×, SVG, PDF, offline, with Chinese drawn as Chinese."""

from __future__ import annotations

import altair as alt
import numpy as np
import pytest

from coopmap.errors import ExportError, FontError
from coopmap.presentation import chart_images, fonts

from helpers.png import decode_png


@pytest.fixture(scope="module")
def cjk_font() -> fonts.CJKFont:
    try:
        return fonts.find_cjk_font()
    except FontError as exc:
        pytest.skip(f"no CJK font on this machine: {exc}")


def words(text: str, width: int = 200, height: int = 60) -> alt.Chart:
    """A chart that is only one line of text."""
    return alt.Chart(alt.Data(values=[{"t": text}])).mark_text(fontSize=32, color="black").encode(
        x=alt.value(width / 2), y=alt.value(height / 2), text="t:N",
    ).properties(width=width, height=height).configure(font=fonts.FONT_FAMILY).configure_view(stroke=None)


def ink(pixels: np.ndarray) -> np.ndarray:
    return np.all(pixels[..., :3] < 128, axis=-1)


def test_chinese_is_drawn_as_chinese_not_boxes(cjk_font):
    """Missing glyphs are all the same box, so different words would render identically."""
    a = ink(decode_png(chart_images.chart_to_bytes(words("龙陵县"), "png")))
    b = ink(decode_png(chart_images.chart_to_bytes(words("合作社"), "png")))
    c = ink(decode_png(chart_images.chart_to_bytes(words("龙陵县"), "png")))
    assert a.sum() > 500 and b.sum() > 500
    assert (a != b).sum() > 0.3 * a.sum()
    assert (a == c).all()  # rendering is deterministic, so the difference above is the glyphs


def test_png_is_at_least_twice_the_chart_size(tmp_path, cjk_font):
    path = chart_images.save_chart(words("示意边界", 200, 60), tmp_path / "out" / "chart.png")
    pixels = decode_png(path.read_bytes())
    assert pixels.shape[1] >= 400 and pixels.shape[0] >= 120
    with pytest.raises(ExportError, match="scale"):
        chart_images.save_chart(words("x"), tmp_path / "small.png", scale=1)


def test_svg_and_pdf(tmp_path, cjk_font):
    svg = chart_images.save_chart(words("示意边界"), tmp_path / "chart.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<svg") and ">示意边界</text>" in svg
    assert f"&quot;{cjk_font.family}&quot;" in svg.split("font-family=")[1].split(",")[0]
    pdf = chart_images.save_chart(words("示意边界"), tmp_path / "chart.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and b"FontFile" in pdf  # the CJK font is embedded
    assert cjk_font.family.replace(" ", "").lower().encode() in pdf.lower()


def test_unknown_format_and_unwritable_path(tmp_path, cjk_font):
    with pytest.raises(ExportError, match=r"\.jpg"):
        chart_images.save_chart(words("x"), tmp_path / "chart.jpg")
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ExportError, match="cannot write"):
        chart_images.save_chart(words("x"), blocker / "chart.png")


def test_no_network_is_used(cjk_font):
    remote = alt.Chart(alt.UrlData("https://example.invalid/data.json")).mark_point().encode(x="a:Q")
    with pytest.raises(ExportError):
        chart_images.chart_to_bytes(remote, "png")


def test_found_font_is_named_first_in_the_config():
    spec = {"config": {"font": fonts.FONT_FAMILY}}
    wqy = fonts.CJKFont("WenQuanYi Zen Hei", fonts.Path("/x.ttc"))
    assert chart_images._with_font(spec, wqy)["config"]["font"].startswith('"WenQuanYi Zen Hei"')
    noto = fonts.CJKFont("Noto Sans CJK SC", fonts.Path("/x.ttc"))
    assert chart_images._with_font({"config": {"font": fonts.FONT_FAMILY}}, noto)["config"]["font"] == fonts.FONT_FAMILY


def test_font_search_in_folders(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "wqy-zenhei.ttc").write_bytes(b"")
    (tmp_path / "NotoSansCJK-Bold.ttc").write_bytes(b"")
    (tmp_path / "NotoSansCJK-Regular.ttc").write_bytes(b"")
    found = fonts.find_cjk_font([tmp_path], use_fontconfig=False)
    assert found.family == "Noto Sans CJK SC" and found.path.name == "NotoSansCJK-Regular.ttc"


def test_no_cjk_font_names_the_package_to_install(tmp_path, monkeypatch):
    (tmp_path / "DejaVuSans.ttf").write_bytes(b"")
    with pytest.raises(FontError, match="fonts-noto-cjk"):
        fonts.find_cjk_font([tmp_path], use_fontconfig=False)

    def none_found():
        raise FontError("no Chinese (CJK) font found; install fonts-noto-cjk")

    monkeypatch.setattr(chart_images, "find_cjk_font", none_found)
    with pytest.raises(FontError, match="fonts-noto-cjk"):
        chart_images.save_chart(words("x"), tmp_path / "chart.png")
    assert not (tmp_path / "chart.png").exists()
