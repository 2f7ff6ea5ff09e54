"""Training data and content agree on the ids the bot works with."""

import re
from pathlib import Path

import yaml

from core.content import load_content

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


def entity_patterns():
    """The patterns Rasa's RegexEntityExtractor builds from data/nlu (config.yml)."""
    from rasa.nlu.utils.pattern_utils import extract_patterns
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(ROOT / "data" / "nlu"), language="sv")
    return extract_patterns(data, use_lookup_tables=True, use_regexes=True, use_only_entities=True)


def test_every_synonym_of_a_content_id_is_found_by_the_entity_patterns():
    # The intent classifier recognises no entities (config.yml): each known way of writing a
    # job, track or language level must be found by a lookup table or regex,
    # as the whole example and as the entity the synonym belongs to.
    content = load_content()
    entity_of = {p.id: "profession" for p in content.professions.professions}
    entity_of.update({t.id: "track" for t in content.tracks.tracks})
    entity_of.update({lvl.id: "sfi_level" for lvl in content.levels.language_levels})
    patterns = entity_patterns()
    missed = []
    for block in nlu_blocks():
        entity = entity_of.get(block.get("synonym"))
        if entity is None:
            continue
        own = [re.compile(p["pattern"], re.IGNORECASE) for p in patterns if p["name"] == entity]
        for line in block["examples"].splitlines():
            example = line.strip()[2:].strip()
            if example and not any((m := rx.search(example)) and m.group(0).lower() == example.lower() for rx in own):
                missed.append((entity, example))
    assert not missed, missed


def test_the_entity_patterns_find_a_job_and_a_level_in_a_sentence():
    patterns = entity_patterns()

    def found(text):
        return sorted({(p["name"], m.group(0)) for p in patterns
                       for m in re.finditer(p["pattern"], text, re.IGNORECASE)})

    assert found("vad gor en underskoterska?") == [("profession", "underskoterska")]
    assert found("Jag läser SFI C nu") == [("sfi_level", "SFI C")]
    assert found("jag vill söka till Vårdbiträde med SFI") == [
        ("profession", "Vårdbiträde"), ("track", "Vårdbiträde med SFI")]
    assert found("vad betyder apl") == []
