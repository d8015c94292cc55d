"""The registry: stable, well-formed codes, each rule a documented unit, listed in the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bookbuild.check import SEVERITIES, registry

ROOT = Path(__file__).resolve().parents[2]
CODE = re.compile(r"^(EPUB|KINDLE|PDF|MS)(-[A-Z0-9]+)?-\d{3}$")

registry.load()
ALL = sorted(registry.RULES.values(), key=lambda r: r.code)


@pytest.mark.parametrize("rule", ALL, ids=[r.code for r in ALL])
def test_each_rule_is_a_documented_unit(rule):
    assert CODE.match(rule.code)
    assert rule.severity in SEVERITIES
    assert rule.hint and not rule.hint.endswith(".")
    assert rule.summary, f"{rule.code} has no docstring"
    family_module = rule.func.__module__.rsplit(".", 1)[-1]
    assert family_module in registry.FAMILIES[rule.target]


def test_registering_a_code_twice_is_refused():
    with pytest.raises(ValueError):
        registry.rule("MS-PARA-001", "warning", "x", "manuscript")(lambda ms: [])


def test_the_readme_lists_every_family_and_the_suppression_syntax():
    readme = (ROOT / "README.md").read_text("utf-8")
    for family in sorted({r.family for r in ALL}):
        assert f"`{family}-" in readme, f"README does not list the {family} rules"
    for rule in ALL:
        assert f"| `{rule.code}` | {rule.severity} |" in readme, f"README lacks {rule.code}"
    assert "check:" in readme and "ignore:" in readme
