"""Every text the bot says is lättläst: LIX <= 45 for each response and content text."""

import re
import statistics
from pathlib import Path

import pytest
import yaml

from core.content import load_content
from core.readability import lix, sentence_count, words

ROOT = Path(__file__).resolve().parents[2]
LIX_LIMIT = 45

# Content fields that hold sentences a jobseeker reads. Names, labels, ids,
# aliases, addresses and links are not prose.
PROSE_FIELDS = {
    "text", "summary", "reach", "hours", "physical", "language", "tasks", "how_to",
    "other", "priority", "content", "paths", "intro", "opening_hours", "protected_title",
    "booking_notice", "interest_notice", "handoff_notice", "what_to_bring", "interpreter", "why",
    "answer",
}
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def test_lix_of_known_texts():
    # 5 words, 1 sentence, 1 long word (tillsvidareanställning): 5 + 20
    assert lix("Tillsvidareanställning är ett fast jobb.") == pytest.approx(25.0)
    # 2 words, 1 long: 2 + 50
    assert lix("Välj utbildning.") == pytest.approx(52.0)
    assert sentence_count("Hej! Vad gör du? Jag jobbar.") == 3
    assert words("SFI kurs C, 25 år") == ["SFI", "kurs", "C", "år"]
    assert lix("") == 0.0


def prose_in(value, key=None):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from prose_in(v, k)
    elif isinstance(value, list):
        for item in value:
            yield from prose_in(item, key)
    elif isinstance(value, str) and key in PROSE_FIELDS and re.search(r"[A-Za-zÅÄÖåäö]{2}", value):
        yield value


def all_texts():
    content = load_content()
    texts = [(f"content: {t[:40]}", t) for t in prose_in(content.dict(exclude={"phrases"}))]
    texts += [(f"phrase {k}", PLACEHOLDER.sub("det", v)) for k, v in content.phrases.phrases.items()
              if not k.startswith("button_")]
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    for name, variants in domain["responses"].items():
        for variant in variants:
            texts.append((f"response {name}", PLACEHOLDER.sub("det", variant["text"])))
    return texts


def test_every_text_is_easy_to_read():
    texts = all_texts()
    scores = [(lix(text), where, text) for where, text in texts]
    print(f"\nLIX over {len(scores)} texts: median {statistics.median(s for s, _, _ in scores):.1f}, "
          f"max {max(s for s, _, _ in scores):.1f}")
    too_hard = [f"{score:.0f} {where}: {text}" for score, where, text in scores if score > LIX_LIMIT]
    assert not too_hard, "Texts above LIX 45:\n" + "\n".join(too_hard)
    assert len(scores) > 200
