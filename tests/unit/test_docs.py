"""The docs stay true to the code: every environment variable is documented,
the reference in docs/operations.md is generated, the README stays short and
no relative link points nowhere."""

import re
import subprocess
from pathlib import Path

from core.environment import GROUPS, VARIABLES, names
from scripts import env_reference

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
README_MAX_LINES = 160
OUR_NAME = re.compile(r"\bVARDVAGEN_[A-Z0-9_]+\b")
CODE_SUFFIXES = {".py", ".sh", ".yml", ".yaml", ".template"}
# The registry and the code that checks it name every variable themselves.
REGISTRY_FILES = {"core/environment.py", "scripts/env_reference.py", "tests/unit/test_docs.py"}
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def code_files():
    """Tracked code and configuration files, and new ones not yet committed (not git-ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.splitlines()
    for name in sorted(set(listed)):
        path = ROOT / name
        if name in REGISTRY_FILES or not path.is_file():
            continue
        if path.suffix in CODE_SUFFIXES or path.name == "Makefile":
            yield name, path.read_text(encoding="utf-8", errors="replace")


def used_names():
    used = {}
    for name, text in code_files():
        for found in OUR_NAME.findall(text):
            used.setdefault(found, name)
    return used


def test_every_variable_the_code_reads_is_in_the_registry():
    used = used_names()
    missing = {name: where for name, where in used.items() if name not in names()}
    assert not missing, (
        f"add these to core/environment.py, then run .venv/bin/python scripts/env_reference.py: {missing}"
    )


def test_the_registry_names_no_variable_that_nothing_uses():
    texts = [text for _, text in code_files()]
    unused = [name for name in names() if not any(re.search(rf"\b{name}\b", text) for text in texts)]
    assert not unused, f"no code or configuration file uses these; remove them from core/environment.py: {unused}"


def test_the_registry_is_well_formed():
    assert len(set(names())) == len(names()), "a variable is listed twice"
    groups = {key for key, _ in GROUPS}
    for variable in VARIABLES:
        assert variable.group in groups, variable
        assert variable.read_by and variable.meaning.endswith("."), variable


def test_the_reference_in_operations_md_is_generated_from_the_registry():
    text = (DOCS / "operations.md").read_text(encoding="utf-8")
    assert env_reference.BEGIN in text and env_reference.END in text
    assert env_reference.current_block(text) == env_reference.render(), (
        "docs/operations.md is out of date: run .venv/bin/python scripts/env_reference.py"
    )
    for name in names():
        assert f"`{name}`" in text, name


def test_readme_is_short():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines; move details to docs/"


def markdown_files():
    return [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


def anchors(doc: Path) -> set:
    """GitHub's ids of a Markdown file's headings."""
    text = re.sub(r"```.*?```", "", doc.read_text(encoding="utf-8"), flags=re.S)
    return {
        re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        for heading in re.findall(r"^#{1,6} (.+)$", text, flags=re.M)
    }


def test_relative_links_in_the_docs_point_to_files_that_exist():
    broken = []
    for doc in markdown_files():
        for target in LINK.findall(doc.read_text(encoding="utf-8")):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):
                continue  # http(s), mailto
            name, _, anchor = target.partition("#")
            path = (doc.parent / name).resolve() if name else doc
            if not path.exists():
                broken.append(f"{doc.relative_to(ROOT)}: {target}")
            elif anchor and path.suffix == ".md" and anchor not in anchors(path):
                broken.append(f"{doc.relative_to(ROOT)}: {target} (no such heading)")
    assert not broken, broken


def test_the_link_check_finds_links():
    """The pattern must see the README's links, or the check above passes on nothing."""
    targets = LINK.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    assert "docs/architecture.md" in targets and "docs/images/chat-phone.png" in targets
