"""The demo's sample data file: what ships loads, a broken file is named by file and key."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources
from typing import Any

import pytest

from deliberation.domain.errors import ConfigError
from deliberation.entrypoints.cli import demo_sample
from deliberation.entrypoints.cli.demo_sample import SAMPLE_FILE, load_sample, parse_sample


def _shipped() -> dict[str, Any]:
    raw = resources.files(demo_sample.__package__ or "").joinpath(SAMPLE_FILE).read_bytes()
    return tomllib.loads(raw.decode("utf-8"))


def test_the_shipped_sample_has_people_needs_groups_and_a_plan_for_every_recommendation() -> None:
    sample = load_sample()
    assert len(sample.people) == 15 and all(p.email.endswith("@example.org") for p in sample.people)
    assert sum(p.hesitant for p in sample.people) == 1
    assert {p.language for p in sample.people} >= {"tr", "ar", "uk", "en"}
    assert len(sample.needs) == 8 and sample.cards("Ilsede")[0].topic == "Teilhabe"
    assert sample.cards("Irgendwo") == sample.needs["*"]  # another county's municipality
    assert sum(sample.recommendations_per_group) == len(sample.outcomes) == 5
    for topic, group in sample.groups.items():
        assert len(group.recommendations) >= max(sample.recommendations_per_group), topic
    assert "{place}" in sample.workshop.after_cards[0].reason


@pytest.mark.parametrize(
    ("break_it", "named"),
    [
        (lambda d: d["people"][3].pop("email"), "demo_sample.toml: people.email"),
        (lambda d: d["demo"].update(voters=[10]), "demo_sample.toml: demo.voters"),
        (lambda d: d["demo"].update(seed="2027"), "demo_sample.toml: demo.seed"),
        (lambda d: d["route"]["outcomes"][0].update(plan="vertagt"), "route.outcomes.plan"),
        (lambda d: d["workshop"].pop("open"), "demo_sample.toml: workshop.open"),
        (lambda d: d["groups"]["Arbeit"].update(members="Aylin"), "groups.Arbeit.members"),
        (lambda d: d.pop("needs"), "demo_sample.toml: needs"),
    ],
)
def test_a_broken_sample_is_refused_in_german_naming_the_key(break_it: Any, named: str) -> None:
    data = copy.deepcopy(_shipped())
    break_it(data)
    with pytest.raises(ConfigError, match="erwartet wird") as refused:
        parse_sample(data, SAMPLE_FILE)
    assert named in str(refused.value)
