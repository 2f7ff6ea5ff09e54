"""The web chat's routes (config, glossary, embed script) and content/web.yml."""

import shutil

import pytest
import yaml

from bot.app import create_app
from core.content import ContentError, load_content
from core.content.loader import DEFAULT_DIR
from bot.settings import Settings
from bot.chat.routes import glossary_words
from tests.ports import closed_port


@pytest.fixture
def settings(tmp_path):
    return Settings(
        rasa_url=f"http://127.0.0.1:{closed_port()}",
        database_url=f"sqlite:///{tmp_path / 'service.db'}",
    )


async def test_config_names_the_socket_and_the_web_settings(client, settings):
    response = await client.get("/chat/config.json")
    assert response.status == 200
    config = await response.json()
    web = load_content().web
    assert config["socket_url"] == settings.rasa_url
    assert config["socket_path"] == "/socket.io"
    assert config["greeting"] == "/greet" and config["restart"] == "/restart"
    assert config["tablet_idle_seconds"] == web.tablet_idle_seconds
    assert config["read_aloud_rate"] == web.read_aloud_rate
    assert config["answer_poll_seconds"] == web.answer_poll_seconds
    assert config["icons"] == web.icons and config["icons"]["book_appointment"]


async def test_public_socket_url_wins_over_the_internal_rasa_url(aiohttp_client, settings):
    public = Settings(**{**settings.__dict__, "socket_url": "https://chatt.kommun.example"})
    client = await aiohttp_client(create_app(public))
    config = await (await client.get("/chat/config.json")).json()
    assert config["socket_url"] == "https://chatt.kommun.example"


def test_socket_url_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("VARDVAGEN_RASA_URL", "http://127.0.0.1:5005")
    assert Settings.from_env().public_socket_url == "http://127.0.0.1:5005"
    monkeypatch.setenv("VARDVAGEN_SOCKET_URL", "https://chatt.kommun.example/")
    assert Settings.from_env().public_socket_url == "https://chatt.kommun.example"


async def test_glossary_lists_every_word_with_its_forms(client):
    response = await client.get("/chat/glossary.json")
    assert response.status == 200
    words = (await response.json())["words"]
    content = load_content()
    assert [w["term"] for w in words] == [w.term for w in content.glossary.words]
    apl = next(w for w in words if w["term"] == "APL")
    assert "APL" in apl["forms"] and "apl-platsen" in apl["forms"]
    assert apl["text"].startswith("APL är en del av utbildningen.")


def test_longest_forms_come_first():
    for word in glossary_words(load_content()):
        lengths = [len(form) for form in word["forms"]]
        assert lengths == sorted(lengths, reverse=True), word["term"]


async def test_embed_script_is_javascript(client):
    response = await client.get("/chat/embed.js")
    assert response.status == 200
    assert response.content_type == "text/javascript"
    assert response.charset == "utf-8"
    body = await response.text()
    assert "document.currentScript" in body and "/chat?embed=1" in body
    css = await client.get("/static/embed.css")
    assert css.status == 200 and css.content_type == "text/css"


async def test_chat_page_loads_only_own_scripts_and_no_inline_code(client):
    page = await (await client.get("/chat")).text()
    assert 'lang="sv"' in page
    assert '<script src="/static/vendor/socket.io.min.js"></script>' in page
    assert '<script src="/static/chat.js"></script>' in page
    assert "<script>" not in page and "style=" not in page and " on" + "click" not in page
    for path in ("/static/chat.js", "/static/embed.js"):
        script = await (await client.get(path)).text()
        assert "innerHTML" not in script and "eval(" not in script and "new Function" not in script


@pytest.fixture
def content_copy(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(DEFAULT_DIR, target)
    return target


def edit_web(directory, **changes):
    path = directory / "web.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_shipped_web_settings():
    web = load_content().web
    assert 60 <= web.tablet_idle_seconds <= 1800
    assert 0.5 <= web.read_aloud_rate <= 2
    menu = {item.intent for item in load_content().menu.items}
    assert set(web.icons) >= menu, "every help menu button has an icon"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"tablet_idle_seconds": 2}, "web.yml: tablet_idle_seconds"),
        ({"read_aloud_rate": 5}, "web.yml: read_aloud_rate"),
        ({"icons": {"help": "this is no icon"}}, "web.yml: icons"),
        ({"colour": "red"}, "web.yml: colour"),
    ],
)
def test_wrong_web_settings_name_file_and_field(content_copy, change, field):
    edit_web(content_copy, **change)
    with pytest.raises(ContentError) as info:
        load_content(content_copy)
    assert field in str(info.value)


def test_missing_web_file_is_reported(content_copy):
    (content_copy / "web.yml").unlink()
    with pytest.raises(ContentError) as info:
        load_content(content_copy)
    assert "web.yml: file is missing" in str(info.value)


def test_rasa_accepts_the_socket_only_from_configured_sites(monkeypatch):
    from scripts.run_stack import allowed_origins, parse_args

    monkeypatch.delenv("VARDVAGEN_ALLOWED_ORIGINS", raising=False)
    assert allowed_origins(parse_args(["--web-port", "8081"])) == ["http://127.0.0.1:8081", "http://localhost:8081"]
    monkeypatch.setenv("VARDVAGEN_ALLOWED_ORIGINS", "https://www.kommun.example/, https://chatt.kommun.example")
    assert allowed_origins(parse_args([])) == ["https://www.kommun.example", "https://chatt.kommun.example"]
    assert allowed_origins(parse_args(["--allowed-origin", "https://a.example"])) == ["https://a.example"]


async def test_config_tells_the_chat_how_its_socket_may_reach_rasa(aiohttp_client, settings, monkeypatch):
    config = await (await (await aiohttp_client(create_app(settings))).get("/chat/config.json")).json()
    assert config["socket_transports"] == ["polling", "websocket"]
    # `make run` with several Rasa workers: a WebSocket stays in the worker that took it.
    monkeypatch.setenv("VARDVAGEN_SOCKET_TRANSPORTS", "websocket")
    websocket_only = Settings(**{**settings.__dict__, "socket_transports": Settings.from_env().socket_transports})
    config = await (await (await aiohttp_client(create_app(websocket_only))).get("/chat/config.json")).json()
    assert config["socket_transports"] == ["websocket"]
    monkeypatch.setenv("VARDVAGEN_SOCKET_TRANSPORTS", "carrier-pigeon")
    with pytest.raises(ValueError, match="carrier-pigeon"):
        Settings.from_env()
