"""The dashboard's Jinja2 templates escape by construction: autoescape is on,
so a person's text (a question from the chat, a first name) is shown as text
and never runs as markup. Every template file loads, and none has inline
script or style (the Content-Security-Policy forbids both) or `|safe`; the
chat page loads its scripts from /static."""

import re
from pathlib import Path

import aiohttp_jinja2
import jinja2
import pytest

from bot.app import create_app
from bot.dashboard.rendering import BOT_DIR, environment_options, template_dirs
from bot.keys import ACCOUNTS
from bot.settings import Settings

ATTACK = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
PASSWORD = "rätt-häst-batteri-häftklammer"


def template_files():
    return sorted(BOT_DIR.glob("*/templates/**/*.html"))


def environment() -> jinja2.Environment:
    return jinja2.Environment(**environment_options())


def test_every_template_file_is_found_and_loads():
    files = template_files()
    assert files, "no templates found"
    names = set(environment().list_templates())
    for path in files:
        folder = next(d for d in template_dirs() if d in path.parents)
        name = path.relative_to(folder).as_posix()
        # bot/<feature>/templates/<feature>/...: the subfolder keeps names apart.
        assert name.split("/")[0] == folder.parent.name, name
        assert name in names, name
        environment().get_template(name)


@pytest.mark.parametrize("path", template_files(), ids=lambda p: str(p.relative_to(BOT_DIR)))
def test_templates_have_no_inline_script_style_or_safe(path: Path):
    text = path.read_text(encoding="utf-8")
    # A script only as a file of our own: <script src="/static/...js"></script>, nothing inside.
    without_files = re.sub(r'<script src="/static/[a-z0-9/._-]+\.js"></script>', "", text)
    assert "<script" not in without_files and "<style" not in text and "style=" not in text
    assert not re.search(r"\|\s*safe\b", text) and "autoescape false" not in text


def test_a_first_name_with_markup_is_escaped_in_the_bookings_page():
    row = {"when": "måndag 7 december kl. 10.00", "counsellor": "Lina", "kind": "På plats", "first_name": ATTACK,
           "contact": "0701234567", "interpreter": '"><img src=x onerror=alert(2)>', "reference": "ABCD2345",
           "attendance": ""}
    html = environment().get_template("booking/bookings.html").render(session=None, rows=[row])
    assert ATTACK not in html and "<img" not in html
    assert f"<td>{ESCAPED}</td>" in html and "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in html


@pytest.fixture
async def dashboard(aiohttp_client, database_url):
    app = create_app(Settings(database_url=database_url))
    client = await aiohttp_client(app)
    await app[ACCOUNTS].add_user("lina", PASSWORD, "lina")
    return client


async def log_in(client):
    form = await (await client.get("/dashboard/login")).text()
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    response = await client.post(
        "/dashboard/login", data={"username": "lina", "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
    )
    assert response.status == 302


async def test_the_app_renders_with_autoescape(dashboard):
    env = aiohttp_jinja2.get_env(dashboard.server.app)
    assert env.from_string("{{ text }}").render(text=ATTACK) == ESCAPED


async def test_a_question_with_markup_is_escaped_in_the_inbox(dashboard):
    made = await dashboard.post("/api/tickets", json={"question": ATTACK})
    assert made.status in (200, 201), await made.text()
    reference = (await made.json())["reference"]
    await log_in(dashboard)
    for path in ("/dashboard/inbox", f"/dashboard/inbox/{reference}"):
        response = await dashboard.get(path)
        html = await response.text()
        assert response.status == 200 and response.content_type == "text/html", path
        assert ATTACK not in html and "<script" not in html, path
        assert ESCAPED in html, path
