"""Training data and content agree on the ids the bot works with."""

from pathlib import Path

import yaml

from bot.content import load_content

ROOT = Path(__file__).resolve().parents[2]


def nlu_blocks():
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        yield from yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", [])


def count_examples(block):
    return sum(1 for line in (block.get("examples") or "").splitlines() if line.strip().startswith("- "))


def test_every_entity_id_in_content_has_synonyms():
    content = load_content()
    targets = {block["synonym"] for block in nlu_blocks() if "synonym" in block}
    assert {p.id for p in content.professions.professions} <= targets
    assert {t.id for t in content.tracks.tracks} <= targets
    # Every level the model may extract is one the walk-through knows.
    sfi_targets = targets - {p.id for p in content.professions.professions} - {t.id for t in content.tracks.tracks}
    assert sfi_targets <= {lvl.id for lvl in content.levels.language_levels}


def test_every_intent_has_at_least_30_examples():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    counts = {}
    for block in nlu_blocks():
        if "intent" in block:
            counts[block["intent"]] = counts.get(block["intent"], 0) + count_examples(block)
    assert set(counts) == set(domain["intents"])
    assert min(counts.values()) >= 30, {k: v for k, v in counts.items() if v < 30}


def test_menu_intents_exist_in_the_domain():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert {item.intent for item in load_content().menu.items} <= set(domain["intents"])
