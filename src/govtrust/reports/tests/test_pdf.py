"""The PDF really renders, with Chinese: a report is printed by WeasyPrint, page 1 is rasterized with poppler
(pdftoppm) and looked at with Pillow — not blank, enough ink for text, the charts' bars drawn — its fonts are
the embedded Noto CJK (pdffonts) and its text carries the period and the Chinese title (pdftotext). Without a
CJK font WeasyPrint prints empty boxes without an error, which only these checks catch.

Rendering makes no network request: a local HTTP server named in the document is never contacted."""

import http.server
import io
import subprocess
import threading
import time

import pytest
from PIL import Image

from govtrust.core import pdf
from govtrust.reports import charts, services

pytestmark = pytest.mark.django_db


def page_image(data: bytes, tmp_path, page: int = 1) -> Image.Image:
    src = tmp_path / "report.pdf"
    src.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", str(page), "-l", str(page), str(src), str(tmp_path / "p")],
                   check=True)
    (png,) = list(tmp_path.glob("p-*.png"))
    return Image.open(png).convert("RGB")


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def pdf_fonts(data: bytes, tmp_path) -> str:
    src = tmp_path / "fonts.pdf"
    src.write_bytes(data)
    return subprocess.run(["pdffonts", str(src)], capture_output=True, check=True, text=True).stdout


def test_a_report_renders_to_a_pdf_with_chinese_glyphs_and_charts(world, office, quarters, tmp_path):
    report = services.draft(office, "2026Q3")
    started = time.perf_counter()
    data = services.render_pdf(report)
    elapsed = time.perf_counter() - started
    assert data.startswith(b"%PDF-")
    assert elapsed < 20, f"rendering took {elapsed:.1f} s (is libharfbuzz-subset0 installed? make pdf)"

    fonts = pdf_fonts(data, tmp_path)
    assert "Noto-Sans-CJK-SC" in fonts.replace("NotoSansCJK", "Noto-Sans-CJK")
    assert all(" yes yes " in line for line in fonts.splitlines()[2:] if "CJK" in line)  # embedded and subset

    text = pdf_text(data)
    assert "2026Q3" in text and "昆明市2026Q3政务诚信季度监测报告" in text.replace("\n", "")
    assert "总体情况" in text and "昆明市五华区财政局" in text and "附件：指标定义" in text
    assert "生效判决按期履行率" in text and "草稿" in text

    image = page_image(data, tmp_path)
    width, height = image.size
    assert abs(width - 413) <= 1 and abs(height - 585) <= 1  # A4 (210 × 297 mm) at 50 dpi
    pixels = list(getattr(image, "get_flattened_data", image.getdata)())
    dark = sum(1 for r, g, b in pixels if r + g + b < 300)
    assert dark > 0.01 * width * height, "page 1 has almost no ink: were the Chinese glyphs drawn?"
    assert len(set(pixels)) > 20  # text, rules and chart colours, not one blank colour
    bars = sum(1 for r, g, b in pixels if abs(r - 0x2F) < 40 and abs(g - 0x6F) < 40 and abs(b - 0xB3) < 40)
    assert bars > 200, "the ranking chart's bars are missing from page 1"


def test_the_html_version_carries_the_same_svg_charts_and_no_scripts(world, office, quarters):
    html = services.render_html(services.draft(office, "2026Q3"))
    assert html.count("<svg") >= 5  # a chart per ranking group, the dimensions, the trend
    assert "<script" not in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert '<html lang="zh-CN">' in html
    assert "上调、下调20%" in html  # the sensitivity sentence carries the run's own step


def test_the_svg_helpers_escape_labels_and_draw_gaps():
    svg = charts.bar_chart([("<b>甲&乙</b>", 50.0), ("丙", None)], title="得分")
    assert "<b>" not in svg and "&lt;b&gt;甲&amp;乙" in svg and "—" in svg
    line = charts.line_chart(["2026Q1", "2026Q2", "2026Q3"], [("县级", [None, 60.0, 70.0])])
    assert line.count("<circle") == 2 and "<polyline" in line


class Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):
        Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        buf = io.BytesIO()
        Image.new("RGB", (4, 4), "red").save(buf, "PNG")
        self.wfile.write(buf.getvalue())

    def log_message(self, *args):
        pass


def test_rendering_fetches_nothing_over_the_network(tmp_path):
    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        data = pdf.render(f'<html><head><link rel="stylesheet" href="{url}/x.css"></head><body>'
                          f'<p>离线</p><img src="{url}/x.png"><img src="file:///etc/passwd"></body></html>')
    finally:
        server.shutdown()
    assert Recorder.hits == []
    assert "离线" in pdf_text(data)
    with pytest.raises(ValueError, match="no network"):
        pdf.fetcher().fetch(f"{url}/y.png")
    with pytest.raises(ValueError, match="outside"):
        pdf.fetcher().fetch("file:///etc/passwd")


def test_the_document_gets_a_language(tmp_path):
    assert pdf.with_lang("<p>中</p>") == '<html lang="zh-CN"><p>中</p></html>'
    assert pdf.with_lang("<html><body>中</body></html>").startswith('<html lang="zh-CN">')
    assert pdf.with_lang('<html lang="en"><body>x</body></html>').startswith('<html lang="en">')
