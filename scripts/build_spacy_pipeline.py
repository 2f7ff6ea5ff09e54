"""Build the Swedish spaCy pipeline used by Rasa's SpacyNLP.

spaCy's trained Swedish models cannot be downloaded here, so the pipeline is a
blank Swedish tokenizer plus a lookup lemmatizer whose table ships in
spacy-lookups-data. Usage: python scripts/build_spacy_pipeline.py OUTPUT_DIR
"""

import sys
from pathlib import Path

import spacy


def build(output: Path) -> None:
    nlp = spacy.blank("sv")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    nlp.meta["name"] = "vardvagen"
    nlp.meta["description"] = "Blank Swedish tokenizer with lookup lemmas"
    output.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: build_spacy_pipeline.py OUTPUT_DIR")
    build(Path(sys.argv[1]))
