"""The texts people read: one package, a module per feature, each sentence defined once."""

from __future__ import annotations

import ast
from pathlib import Path

import handlers.texts as texts

TEXTS = Path(texts.__file__).parent


def defined_names(path: Path) -> list[str]:
    """The module-level names a texts module assigns."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    ]


def test_every_sentence_is_defined_in_exactly_one_module() -> None:
    seen: dict[str, str] = {}
    twice = []
    for path in sorted(TEXTS.glob("*.py")):
        for name in defined_names(path):
            if name in seen:
                twice.append(f"{name}: {seen[name]} and {path.name}")
            seen[name] = path.name
    assert twice == []
    assert all(hasattr(texts, name) for name in seen)  # every one is read as texts.NAME


def test_a_worker_command_reads_its_sentences_through_the_one_package() -> None:
    assert texts.WORKER_ONLY.format(word="接单").startswith("“接单”是社区工作人员用的命令")
    assert texts.NEED_STATUS_LABELS["new"] == "待接单"
