"""The chat in the municipality's look (content/web.yml, issue 21 item 6):
the content check of the name, logo, favicon and colours, and the page,
/chat/theme.css, the logo and the favicon as the web service serves them."""

import re
import shutil
from pathlib import Path

import pytest
import yaml

from bot.app import create_app
from bot.security import POLICY
from bot.settings import Settings
from core.colours import INK, TEXT_CONTRAST, UI_CONTRAST, WHITE, contrast
from core.content import ContentError, load_content
from core.content.loader import DEFAULT_DIR
from tests.unit.image_helpers import png

GOOD_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40"><rect width="120" height="40"/></svg>'


@pytest.fixture
def settings(tmp_path):
    """SQLite only: the look does not touch the database."""
    return Settings(database_url=f"sqlite:///{tmp_path / 'service.db'}")


@pytest.fixture
def content_copy(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(DEFAULT_DIR, target)
    return target


def edit_web(directory: Path, **changes) -> None:
    path = directory / "web.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(changes)
    for key in [key for key, value in changes.items() if value is None]:
        del data[key]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def problems_for(directory: Path) -> str:
    with pytest.raises(ContentError) as info:
        load_content(directory)
    return str(info.value)


# ---- the content check ------------------------------------------------------


def test_the_shipped_look():
    content = load_content()
    web = content.web
    assert web.name == "Vårdvägen" and web.logo_alt == content.municipality.name
    assert (DEFAULT_DIR / web.logo).is_file() and (DEFAULT_DIR / web.favicon).is_file()
    colours = web.colours
    # Every pair the chat shows together (bot/static/chat.css) passes WCAG 2.1 AA.
    for text, background in [(colours.brand, WHITE), (colours.on_brand, colours.brand), (colours.brand_dark, WHITE),
                              (colours.on_brand, colours.brand_dark), (INK, colours.bot_bubble),
                              (colours.brand_dark, colours.bot_bubble)]:
        assert contrast(text, background) >= TEXT_CONTRAST, (text, background)
    assert contrast(colours.focus, WHITE) >= UI_CONTRAST and contrast(colours.focus, colours.bot_bubble) >= UI_CONTRAST


@pytest.mark.parametrize("colours, field, words", [
    ({"brand": "blue"}, "colours.brand", "six hex digits"),
    ({"bot_bubble": "#e8eef"}, "colours.bot_bubble", "six hex digits"),
    ({"brand": "#ffcc00"}, "colours.brand", "too hard to read (contrast 1.5:1, at least 4.5:1)"),
    ({"on_brand": "#6fa8dc"}, "colours.on_brand", "text in #6fa8dc on #0b5394 is too hard to read"),
    ({"brand_dark": "#7799bb"}, "colours.brand_dark", "button text in #7799bb on white is too hard to read"),
    ({"brand_dark": "#0b5394", "on_brand": "#ffffff", "brand": "#0b5394", "bot_bubble": "#9fc5e8"},
     "colours.bot_bubble", "words in #0b5394 on the bubble #9fc5e8 are too hard to read"),
    ({"bot_bubble": "#777777"}, "colours.bot_bubble", "text in #1a1a1a on the bubble #777777 is too hard to read"),
    ({"focus": "#ff9900"}, "colours.focus", "the focus ring #ff9900 is too light on white"),
    ({"focus": "#e06000", "bot_bubble": "#dde4ec"}, "colours.bot_bubble",
     "the focus ring #e06000 is too light on the bubble #dde4ec (contrast 2.8:1, at least 3.0:1)"),
    ({"link": "#0b5394"}, "colours.link", "extra fields not permitted"),
])
def test_colours_that_are_hard_to_see_are_refused(content_copy, colours, field, words):
    edit_web(content_copy, colours=colours)
    problems = problems_for(content_copy)
    assert f"web.yml: {field}: " in problems and words in problems


def test_one_colour_may_be_changed_alone(content_copy):
    edit_web(content_copy, colours={"brand": "#2e6b30"})
    colours = load_content(content_copy).web.colours
    assert colours.brand == "#2e6b30" and colours.bot_bubble == "#e8eef4"


@pytest.mark.parametrize("field, name", [
    ("logo", "web/logo.svg"), ("logo", "../municipality.yml"), ("favicon", "favicon.ico"), ("logo", "logo.gif"),
])
def test_an_image_must_be_an_svg_or_png_file_in_the_content_folder(content_copy, field, name):
    edit_web(content_copy, **{field: name})
    assert f"web.yml: {field}: '{name}' is not the name of an SVG or PNG file in the content folder" in \
        problems_for(content_copy)


def test_a_missing_logo_is_reported(content_copy):
    (content_copy / "logo.svg").unlink()
    assert "web.yml: logo: the file logo.svg is missing" in problems_for(content_copy)


@pytest.mark.parametrize("body, words", [
    (b"<svg xmlns='http://www.w3.org/2000/svg'", "not a valid SVG file"),
    (b"<html><body>logo</body></html>", "not an SVG file"),
    (GOOD_SVG.replace("<rect", "<script>alert(1)</script><rect").encode(), "must not contain <script>"),
    (GOOD_SVG.replace("<rect", "<rect onclick='alert(1)'").encode(), "must not contain event attributes (onclick)"),
    (GOOD_SVG.replace("<rect", "<image href='https://example.com/x.png'/><rect").encode(), "must not load other files"),
    (GOOD_SVG.replace('viewBox="0 0 120 40"', "").encode(), "needs a viewBox"),
    (b"<?xml version='1.0'?><!DOCTYPE svg [<!ENTITY a 'aaaa'>]><svg/>", "must not declare entities"),
    (GOOD_SVG.replace("</svg>", "<!--" + "x" * 200_000 + "--></svg>").encode(), "at most 200 kB"),
])
def test_a_broken_or_unsafe_svg_logo_is_refused(content_copy, body, words):
    (content_copy / "logo.svg").write_bytes(body)
    problems = problems_for(content_copy)
    assert "web.yml: logo: " in problems and words in problems


def test_a_png_logo_is_checked_too(content_copy):
    (content_copy / "logo.png").write_bytes(b"GIF89a not a png")
    edit_web(content_copy, logo="logo.png")
    assert "web.yml: logo: not a PNG file" in problems_for(content_copy)
    (content_copy / "logo.png").write_bytes(png(5000, 1))
    assert "web.yml: logo: logo.png is 5000×1 pixels" in problems_for(content_copy)
    (content_copy / "logo.png").write_bytes(png(120, 40))
    assert load_content(content_copy).web.logo == "logo.png"


def test_logo_and_favicon_may_be_left_out(content_copy):
    edit_web(content_copy, logo=None, favicon=None, logo_alt=None, colours=None, name=None)
    web = load_content(content_copy).web
    assert web.logo is None and web.favicon is None and web.name == "Vårdvägen"


# ---- what the web service serves ---------------------------------------------


async def test_the_page_names_the_service_and_the_municipality(client):
    response = await client.get("/chat")
    assert response.status == 200 and response.content_type == "text/html"
    page = await response.text()
    content = load_content()
    assert f"<title>Vårdvägen – chatt om jobb i vården – {content.municipality.name}</title>" in page
    assert "<h1>Vårdvägen</h1>" in page
    assert re.search(r'<img class="logo" src="/chat/logo\.svg\?v=[0-9a-f]{16}" alt="Exempelkommun" '
                     r'width="216" height="48">', page)
    assert re.search(r'<link rel="icon" href="/chat/favicon\.svg\?v=[0-9a-f]{16}" type="image/svg\+xml">', page)
    assert re.search(r'<link rel="stylesheet" href="/static/chat\.css">\s*'
                     r'<link rel="stylesheet" href="/chat/theme\.css\?v=[0-9a-f]{16}">', page)
    assert "style=" not in page and "<script>" not in page


async def test_the_chat_page_keeps_its_security_headers(client):
    policy = client.server.app[POLICY]
    for path in ("/chat", "/", "/chat?embed=1"):
        response = await client.get(path)
        assert response.headers["Content-Security-Policy"] == policy.chat_csp, path
        assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-cache"
    csp = policy.chat_csp
    assert "style-src 'self';" in csp and "img-src 'self' data:;" in csp and "script-src 'self';" in csp


async def test_the_theme_is_a_style_sheet_of_the_web_yml_colours(client):
    response = await client.get("/chat/theme.css")
    assert response.status == 200 and response.content_type == "text/css" and response.charset == "utf-8"
    css = await response.text()
    colours = load_content().web.colours
    for variable, value in [("brand", colours.brand), ("on-brand", colours.on_brand), ("focus", colours.focus),
                            ("brand-dark", colours.brand_dark), ("bot-bubble", colours.bot_bubble)]:
        assert f"--{variable}:{value}" in css
    # chat.css names the same variables, so theme.css overrides them.
    chat_css = (Path(__file__).resolve().parents[2] / "bot" / "static" / "chat.css").read_text(encoding="utf-8")
    for variable in re.findall(r"--([a-z-]+):", css):
        assert f"--{variable}:" in chat_css, variable


@pytest.mark.parametrize("path, content_type, file", [
    ("/chat/theme.css", "text/css", None),
    ("/chat/logo.svg", "image/svg+xml", "logo.svg"),
    ("/chat/favicon.svg", "image/svg+xml", "favicon.svg"),
])
async def test_theme_logo_and_favicon_are_cached_by_version(client, path, content_type, file):
    response = await client.get(path)
    assert response.status == 200 and response.content_type == content_type
    if file:
        assert await response.read() == (DEFAULT_DIR / file).read_bytes()
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # Not a page: no script runs in an SVG opened on its own, and no site may frame it.
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    etag = response.headers["ETag"]
    page = await (await client.get("/chat")).text()
    assert f"{path}?v={etag.strip(chr(34))}" in page, "the page asks for this version"
    again = await client.get(path, headers={"If-None-Match": etag})
    assert again.status == 304 and await again.read() == b""


@pytest.mark.parametrize("path", ["/chat/logo.png", "/chat/favicon.png", "/chat/other.svg", "/chat/logo.gif"])
async def test_only_the_configured_images_are_served(client, path):
    assert (await client.get(path)).status == 404


async def test_a_png_logo_and_another_name_reach_the_page(aiohttp_client, settings, content_copy):
    (content_copy / "kommunen.png").write_bytes(png(150, 50))
    edit_web(content_copy, logo="kommunen.png", logo_alt=None, favicon=None, name="Omsorgsvägen",
             colours={"brand": "#2e6b30", "brand_dark": "#1d4420", "bot_bubble": "#e6f0e4"})
    changed = Settings(**{**settings.__dict__, "content_dir": content_copy})
    client = await aiohttp_client(create_app(changed))
    page = await (await client.get("/chat")).text()
    assert "<title>Omsorgsvägen – chatt om jobb i vården – Exempelkommun</title>" in page
    assert "<h1>Omsorgsvägen</h1>" in page
    assert re.search(r'src="/chat/logo\.png\?v=[0-9a-f]{16}" alt="Exempelkommun" width="150" height="50"', page)
    assert 'rel="icon"' not in page
    logo = await client.get("/chat/logo.png")
    assert logo.status == 200 and logo.content_type == "image/png"
    assert await logo.read() == (content_copy / "kommunen.png").read_bytes()
    assert (await client.get("/chat/logo.svg")).status == 404
    assert (await client.get("/chat/favicon.svg")).status == 404
    css = await (await client.get("/chat/theme.css")).text()
    assert "--brand:#2e6b30" in css and "--brand-dark:#1d4420" in css and "--bot-bubble:#e6f0e4" in css


async def test_without_a_logo_the_page_has_only_the_name(aiohttp_client, settings, content_copy):
    edit_web(content_copy, logo=None, favicon=None)
    client = await aiohttp_client(create_app(Settings(**{**settings.__dict__, "content_dir": content_copy})))
    page = await (await client.get("/chat")).text()
    assert "<img" not in page and 'rel="icon"' not in page and "<h1>Vårdvägen</h1>" in page
