"""The core knows no platform by name and writes no markup: adapters own both."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "core"
MODULES = sorted(CORE.rglob("*.py"))
PLATFORM_NAMES = re.compile(r"slack|telegram|discord", re.IGNORECASE)
# Backticks and asterisks (mrkdwn, Markdown), and HTML tags: a closing tag, or an opening one that only
# markup uses (<code> alone is the grammar's placeholder, as in "link <code>").
MARKUP = re.compile(r"[`*]|</\w+>|<(?:b|i|u|s|pre|strong|em|br|tg-spoiler)>|<a\s", re.IGNORECASE)


def _strings(tree: ast.AST):
    """Every string literal of a module that is not a docstring or a regular expression, with its line."""
    skipped = {
        id(node.body[0].value) for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body
        and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }
    skipped |= {  # re.compile("…"): a pattern, not something anyone reads
        id(arg) for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "compile"
        for arg in node.args
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped:
            yield node.lineno, node.value


def test_the_core_is_found():
    assert len(MODULES) > 20 and CORE / "engine.py" in MODULES


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(CORE)))
def test_no_core_module_names_a_platform(module):
    named = [(n, line.strip()) for n, line in enumerate(module.read_text(encoding="utf-8").splitlines(), 1)
             if PLATFORM_NAMES.search(line)]
    assert named == [], f"{module.name} names a platform (platforms reach the core as data): {named[:3]}"


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(CORE)))
def test_no_core_string_carries_markup(module):
    marked = [(n, s) for n, s in _strings(ast.parse(module.read_text(encoding="utf-8"))) if MARKUP.search(s)]
    assert marked == [], f"{module.name} writes markup (say it with core.text spans instead): {marked[:3]}"


def test_the_markup_check_would_see_markup():
    tree = ast.parse('"""Docs may say `this`."""\nx = "use `/pin send`"\ny = "<b>bold</b>"\nz = "new <link>"\n'
                     'w = "*done*"\nv = re.compile(r"<[^>]*>")\nu = "link <code>"')
    assert [s for _, s in _strings(tree) if MARKUP.search(s)] == ["use `/pin send`", "<b>bold</b>", "*done*"]
