"""Content files load, and broken files give errors naming file and field."""

import shutil
from pathlib import Path

import pytest
import yaml

from core.content import ContentError, load_content
from core.content.loader import DEFAULT_DIR


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(DEFAULT_DIR, target)
    return target


def edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def problems_for(directory: Path) -> str:
    with pytest.raises(ContentError) as info:
        load_content(directory)
    return str(info.value)


def test_shipped_content_is_valid():
    content = load_content()
    assert {p.id for p in content.professions.professions} >= {
        "underskoterska", "vardbitrade", "personlig_assistent", "skotare",
    }
    assert len(content.tracks.tracks) >= 3
    assert [s.number for s in content.steps.steps] == list(range(1, 10))
    assert len(content.glossary.words) >= 60


def test_every_track_names_made_up_contacts_only():
    for track in load_content().tracks.tracks:
        assert track.contact.email.endswith(".example"), track.id


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from strings(item)


def test_extratjanst_is_never_offered():
    content = load_content()
    data = content.dict()
    data.pop("glossary")
    assert not [s for s in strings(data) if "extratj" in s.lower()]
    word = next(w for w in content.glossary.words if w.term.lower().startswith("extratj"))
    assert "2022" in word.text


def test_missing_field_names_file_and_field(content_copy: Path):
    edit(content_copy / "tracks.yml", lambda d: d["tracks"][0]["prerequisites"].pop("min_age"))
    edit(content_copy / "professions.yml", lambda d: d["professions"][1]["pay"].pop("source"))
    message = problems_for(content_copy)
    assert "professions.yml: professions[1].pay.source: field required" in message


def test_wrong_type_names_file_and_field(content_copy: Path):
    edit(content_copy / "tracks.yml", lambda d: d["tracks"][2].update(places="many"))
    assert "tracks.yml: tracks[2].places: value is not a valid integer" in problems_for(content_copy)


def test_unknown_level_in_track_is_reported(content_copy: Path):
    edit(content_copy / "tracks.yml", lambda d: d["tracks"][0]["prerequisites"].update(min_language="sfi_x"))
    message = problems_for(content_copy)
    assert "tracks.yml: tracks[0].prerequisites.min_language: unknown level 'sfi_x'" in message


def test_unknown_profession_in_track_is_reported(content_copy: Path):
    edit(content_copy / "tracks.yml", lambda d: d["tracks"][1].update(profession="lakare"))
    assert "tracks.yml: tracks[1].profession: unknown profession 'lakare'" in problems_for(content_copy)


def test_steps_out_of_order_are_reported(content_copy: Path):
    edit(content_copy / "steps.yml", lambda d: d["steps"][3].update(number=7))
    assert "steps.yml: steps: steps must be numbered 1..9 in order" in problems_for(content_copy)


def test_unknown_field_is_reported(content_copy: Path):
    edit(content_copy / "glossary.yml", lambda d: d["words"][0].update(txt="stavfel"))
    assert "glossary.yml: words[0].txt: extra fields not permitted" in problems_for(content_copy)


def test_missing_file_and_bad_yaml_are_reported(content_copy: Path):
    (content_copy / "menu.yml").unlink()
    (content_copy / "steps.yml").write_text("steps: [1, 2\n", encoding="utf-8")
    message = problems_for(content_copy)
    assert "menu.yml: file is missing" in message
    assert "steps.yml: not valid YAML" in message


def test_cli_check_reports_problems(content_copy: Path, capsys):
    from core.content.__main__ import main
    import sys

    edit(content_copy / "municipality.yml", lambda d: d.update(website="not a url"))
    sys_argv = sys.argv
    sys.argv = ["core.content", str(content_copy)]
    try:
        assert main() == 1
    finally:
        sys.argv = sys_argv
    assert "municipality.yml: website: invalid or missing URL scheme" in capsys.readouterr().err


def test_handoff_notice_says_what_why_how_long_and_how_to_delete():
    notice = " ".join(load_content().privacy.handoff_notice)
    assert "{days}" in notice and "ta bort mina uppgifter" in notice.lower()
    assert "fråga" in notice and "vägledare" in notice


def test_unknown_follow_up_topic_names_file_and_field(content_copy):
    edit(content_copy / "followup.yml", lambda d: d["topics"][1].update(id="weather"))
    assert "followup.yml: topics[1].id: unknown topic 'weather'" in problems_for(content_copy)


def test_facts_not_checked_are_not_stated():
    content = load_content()
    said = " ".join(strings(content.dict()))
    # Not confirmed at a source on 2026-12-06 (see docs/content.md).
    assert "22 500" not in said and "5 åren" not in said
    assert "ka.se/2023" not in said, "a barnskötare article is no source for vårdbiträde pay"
    support = {t.id: t for t in content.education.study_support}
    assert support["studiestartsstod"].status == "proposed" and not support["studiestartsstod"].show
    assert "föreslagit" in support["studiestartsstod"].text


def test_notice_with_unknown_status_and_max_pay_without_min_are_reported(content_copy: Path):
    edit(content_copy / "professions.yml", lambda d: d["professions"][0]["notices"][0].update(status="rumour"))
    edit(content_copy / "professions.yml", lambda d: d["professions"][1]["pay"].update(max=30000))
    message = problems_for(content_copy)
    assert "professions.yml: professions[0].notices[0].status: unknown status 'rumour'" in message
    assert "professions.yml: professions[1].pay.max: max without min" in message


def test_the_special_words_of_the_guidance_are_explained():
    """Words the bot uses about rules, money and school are in the glossary (issue 18)."""
    terms = {word.term.lower() for word in load_content().glossary.words}
    needed = {"misstankeregister", "belastningsregister", "halvtid", "kooperativ", "tolk", "bidrag", "lån",
              "myndighet", "inskriven", "anpassad utbildning", "lön före skatt", "legitimation", "validering",
              "språkintroduktion", "kunskapsprov"}
    assert needed <= terms, sorted(needed - terms)


@pytest.mark.parametrize("colours, field, words", [
    ({"brand": "#ffcc00"}, "brand", "too hard to read"),            # yellow links on white
    ({"brand": "#0b5394", "on_brand": "#1a4a7a"}, "on_brand", "too hard to read"),  # dark blue on blue
    ({"focus": "#dddddd"}, "focus", "too light"),                    # a focus ring nobody sees
    ({"brand": "blue"}, "brand", "six hex digits"),
])
def test_unreadable_colours_are_refused_with_file_and_field(content_copy, colours, field, words):
    edit(content_copy / "municipality.yml", lambda data: data.update(colours=colours))
    problems = problems_for(content_copy)
    assert "municipality.yml" in problems and field in problems and words in problems


def test_the_shipped_colours_pass_wcag_aa():
    from core.colours import contrast

    colours = load_content().municipality.colours
    assert contrast(colours.on_brand, colours.brand) >= 4.5 and contrast(colours.brand, "#ffffff") >= 4.5
    assert contrast(colours.focus, "#ffffff") >= 3
