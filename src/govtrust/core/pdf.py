"""HTML to PDF with Chinese: WeasyPrint, the Noto CJK fonts from Debian, and no network.

`render(html)` returns the PDF bytes. The page is printed with `lang="zh-CN"` and "Noto Sans CJK SC" first in
the font stack, so CJK glyphs come from the Debian package fonts-noto-cjk (embedded, subset through
libharfbuzz-subset0; without that library a one-page report takes 17–19 s instead of ~0.3 s). Without a
CJK font WeasyPrint prints empty boxes and raises nothing: `fonts_ok()` says whether the font is there, and
the reports tests rasterize a page to catch it.

Resources: only `file:` and `data:` URLs (and static files under `base_url`) are read; http(s) and any other
scheme is refused, so a report never reaches out of the intranet and cannot be made to. WeasyPrint does not
run JavaScript: charts in a PDF are server-rendered SVG (reports/charts.py, ADR 0014).
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.request import url2pathname

from .errors import ServiceError

FONT_FAMILY = "Noto Sans CJK SC"
LANG = "zh-CN"

# Applied under the document's own styles: A4, the CJK font, and a language for line breaking.
BASE_CSS = f"""
@page {{ size: A4; margin: 18mm 16mm 18mm 16mm; }}
html {{ font-family: "{FONT_FAMILY}", sans-serif; font-size: 10.5pt; line-height: 1.55; }}
"""


def _static_root() -> Path:
    return Path(__file__).resolve().parents[1] / "static"


def fetcher(roots: tuple[Path, ...] | None = None) -> Any:
    """WeasyPrint's URL fetcher limited to `data:` URLs and files under `roots` (default: the package's static
    folder). http(s), ftp and every other scheme raise before any connection is made."""
    from weasyprint.urls import URLFetcher

    allowed = tuple(r.resolve() for r in (roots or (_static_root(),)))

    class _Fetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = url.split(":", 1)[0].lower() if ":" in url else ""
            if scheme == "file":
                path = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
                if not any(path.is_relative_to(root) for root in allowed):
                    raise ValueError(f"refused to read {url!r}: outside the allowed folders")
            elif scheme != "data":
                raise ValueError(f"refused to fetch {url!r}: PDF rendering makes no network requests")
            return super().fetch(url, headers)

    return _Fetcher(allowed_protocols=("file", "data"), timeout=1)


_font_found = False


def fonts_ok() -> bool:
    """Whether fontconfig knows the CJK font (`make pdf` installs it); a found font is remembered."""
    global _font_found
    if _font_found:
        return True
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return False
    out = subprocess.run([fc_list, ":lang=zh-cn", "family"], capture_output=True, text=True, check=False).stdout
    _font_found = FONT_FAMILY in out
    return _font_found


def with_lang(html: str) -> str:
    """The document with `lang` on its root element (WeasyPrint takes the PDF's language, and the CJK line
    breaking and glyph variants, from it): zh-CN unless the document names one."""
    root = re.search(r"<html\b[^>]*>", html, flags=re.IGNORECASE)
    if root is None:
        return f'<html lang="{LANG}">{html}</html>'
    if re.search(r"\blang\s*=", root.group(0), flags=re.IGNORECASE):
        return html
    return html[: root.start()] + f'<html lang="{LANG}"' + html[root.start() + 5:]


def render(html: str, base_url: str | None = None) -> bytes:
    """The PDF of an HTML document (A4, Chinese). Refuses clearly when the CJK font is missing."""
    if not fonts_ok():
        raise ServiceError("pdf_font_missing", f"未安装中文字体“{FONT_FAMILY}”，无法生成PDF（请运行 make pdf 或安装 fonts-noto-cjk）",
                           f"The font {FONT_FAMILY!r} is not installed (run make pdf or install fonts-noto-cjk)",
                           status=503)
    from weasyprint import CSS, HTML

    # WeasyPrint logs every refused fetch as a warning; a report names no remote resource, so that is noise.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = HTML(string=with_lang(html), base_url=base_url, url_fetcher=fetcher(), encoding="utf-8")
    return document.write_pdf(stylesheets=[CSS(string=BASE_CSS)]) or b""
