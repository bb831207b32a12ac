"""Services: one canonical name per document, the same across a service's documents."""

from __future__ import annotations

import pytest

from pipeline import services
from pipeline.config import Config
from pipeline.matching import Guards, rank
from pipeline.services import (
    ServiceNames,
    canonical_services,
    cluster_services,
    display_form,
    service_of_document,
    type_word_set,
)

TYPE_WORDS = type_word_set(Config().service_type_words)
GENERIC = frozenset(Config().service_generic_folders)


def service(title: str | None, metadata: dict[str, str] | None = None, path: str = "x.md") -> str:
    return service_of_document(title, metadata or {}, path, TYPE_WORDS, GENERIC)[0]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Operator Management Service — Service Risk Register", "Operator Management Service"),
        ("Operator Management Service — Service Readiness", "Operator Management Service"),
        ("Operator Management Service: Service Readiness Checklist", "Operator Management Service"),
        ("SERVICE_RISK_REGISTER — lock-integration-service", "lock-integration-service"),
        ("Lock Integration Service — Service Risk Register", "Lock Integration Service"),
        ("EmploymentX — Risk Register & Mitigation Playbooks", "EmploymentX"),
        ("Residual Risk Assessment — Billing Gateway", "Billing Gateway"),
        ("Risk Register | Payments Ledger", "Payments Ledger"),
    ],
)
def test_the_service_is_the_title_without_document_words(title: str, expected: str) -> None:
    assert service(title) == expected


def test_metadata_wins_then_title_then_scope_then_folder_then_file() -> None:
    assert service("Risk Register", {"service": "Ledger Sync"}) == "Ledger Sync"
    assert service("Residual Risk Assessment - Post Critical Fixes", {"scope": "VokeTag Platform"}) == (
        "VokeTag Platform"
    )
    assert service("Risk Register", {}, "payments/ledger-sync/docs/registers/r.md") == "ledger-sync"
    assert service(None, {}, "000_abc.txt") == "000_abc"


def names(written: dict[str, str]) -> dict[str, str]:
    return canonical_services(written, TYPE_WORDS, Guards()).of_path


def test_the_documents_of_one_service_share_one_name() -> None:
    written = {
        p: service(t)
        for p, t in {
            "a.txt": "Operator Management Service — Service Risk Register",
            "b.txt": "Operator Management Service — Service Readiness",
            "c.txt": "SERVICE_RISK_REGISTER — lock-integration-service",
            "d.html": "Lock Integration Service — Service Risk Register",
            "e.md": "# Residual Risk Assessment — Lock Integration",
            "f.md": "EmploymentX — Risk Register & Mitigation Playbooks",
        }.items()
    }
    of = names(written)
    assert of["a.txt"] == of["b.txt"] == "Operator Management Service"
    assert of["c.txt"] == of["d.html"] == of["e.md"] == "Lock Integration Service"
    assert len({of["a.txt"], of["c.txt"], of["f.md"]}) == 3


def test_a_slug_alone_is_shown_as_words() -> None:
    assert names({"a.txt": "lock-integration-service"}) == {"a.txt": "Lock Integration Service"}
    assert display_form("VokeTag") == "VokeTag"


def test_typos_join_and_numbers_keep_services_apart() -> None:
    of = names(
        {
            "a.md": "Payment Gateway",
            "b.md": "Payment Gateway",
            "c.md": "Payment Gatway",
            "d.md": "Payment Gateway 2",
            "e.md": "Search Sync",
            "f.md": "Search Sync 3",
        }
    )
    assert of["a.md"] == of["b.md"] == of["c.md"] == "Payment Gateway"
    assert len({of["a.md"], of["d.md"], of["e.md"], of["f.md"]}) == 4


def test_every_written_name_has_a_match_and_an_alias_row() -> None:
    result = canonical_services(
        {"a.md": "Lock Integration Service", "b.txt": "lock-integration-service", "c.txt": "lock-integration-service"},
        TYPE_WORDS,
        Guards(),
    )
    assert result.aliases == {
        "Lock Integration Service": {"Lock Integration Service": 1, "lock-integration-service": 2}
    }
    by_raw = {m.raw: m for m in result.matches}
    assert by_raw["lock-integration-service"].method == "key" and by_raw["lock-integration-service"].occurrences == 2
    assert by_raw["Lock Integration Service"].method == "exact"


def test_names_differing_by_a_word_are_different_services() -> None:
    of = names({"a.md": "Booking Orchestration", "b.md": "Billing Orchestration", "c.md": "Billing Orchestration"})
    assert of["a.md"] != of["b.md"] == of["c.md"]


def test_a_decision_renames_a_service() -> None:
    result = canonical_services(
        {"a.md": "Lock Integ"}, TYPE_WORDS, Guards(), {("service", "lock integ"): "Lock Integration Service"}
    )
    assert result.of_path == {"a.md": "Lock Integration Service"}
    assert result.matches[0].method == "decision"


# Written service names with typos, slugs and numbered siblings: enough keys for clustering to
# join some, keep some apart and flag near misses.
NIGHT_NAMES = {
    "Payments Ledger": 5,
    "payments-ledger": 2,
    "Payments Ledgr": 1,
    "Billing Gateway": 4,
    "Biling Gateway": 1,
    "Search 2": 3,
    "Search": 3,
    "Lock Integration Service": 2,
    "lock-integration-service": 2,
    "Lock Integraton": 1,
    "Consent Registry": 1,
    "Consent Registries": 1,
    "Inventory Sync": 2,
}


def _cluster(counts: dict[str, int], known: tuple = ()) -> ServiceNames:
    first = {name: f"{name}.md" for name in counts}
    return cluster_services(counts, first, TYPE_WORDS, Guards(), None, known)


def _decided(names: ServiceNames) -> tuple:
    return names.canonical_of, names.matches, names.aliases, names.steps


@pytest.mark.parametrize(
    "change",
    [
        {},  # an unchanged night: every step is taken as it was
        {"Inventory Synk": 1},  # a new name, placed last
        {"Billing Gateway": 9},  # a count that moves a key to the front: every step decided again
        {"Payments Ledgr": 0, "Consent Registry": 3},  # a name gone, a count up
    ],
)
def test_clustering_with_the_last_nights_steps_decides_as_clustering_afresh(change: dict[str, int]) -> None:
    """Each step depends only on the keys placed before it, so taking the steps of the keys
    placed as last night gives what clustering from nothing gives, whatever changed."""
    last_night = _cluster(NIGHT_NAMES)
    tonight = {name: n for name, n in {**NIGHT_NAMES, **change}.items() if n}
    assert _decided(_cluster(tonight, tuple(last_night.steps))) == _decided(_cluster(tonight))


def test_clustering_compares_only_the_keys_placed_differently(monkeypatch: pytest.MonkeyPatch) -> None:
    last_night = _cluster(NIGHT_NAMES)
    compared: list[str] = []

    def counted_rank(key: str, *args: object) -> list:
        compared.append(key)
        return rank(key, *args)

    monkeypatch.setattr(services, "rank", counted_rank)
    _cluster(NIGHT_NAMES, tuple(last_night.steps))
    assert compared == []  # nothing changed: nothing compared
    _cluster({**NIGHT_NAMES, "Zonal Router": 1}, tuple(last_night.steps))
    assert compared == ["zonal router"]  # only the new key, placed last (fewest documents, then by key)
    compared.clear()
    _cluster({**NIGHT_NAMES, "Inventory Synk": 1}, tuple(last_night.steps))
    assert compared == ["inventory synk", "lock integraton", "payments ledgr"]  # and the keys after it
    compared.clear()
    _cluster(NIGHT_NAMES, ())
    assert len(compared) == len(last_night.steps) - 1  # afresh: every key but the first
