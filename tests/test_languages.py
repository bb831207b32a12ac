"""Registers in other languages (issue 11): the language packs as data, which languages a document
is read in, and a register in any pack's words normalising exactly as its English twin does.

The fixtures (tests/fixtures/languages/<language>/) are one register written in English and in
each pack's language, in five shapes (a Markdown table with its legend, labelled sections, an
HTML table, a tab-separated scrape, a checklist table); their goldens run in test_golden.py, and
here every language's entries are held to the English twin's normalised values.
"""

from __future__ import annotations

import html
import time
import tomllib
from datetime import date
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers import lexicon as lexicon_pack
from parsers.frontends import markdown
from parsers.model import Heading, Paragraph, Row, Table, Tree
from parsers.recognise.language import document_languages
from pipeline.config import Config, load_config
from pipeline.dates import date_in_languages
from pipeline.decode import decode_document
from pipeline.errors import ConfigError
from pipeline.languages import configured
from pipeline.normalise import normalise
from pipeline.records import DocumentResult
from pipeline.run import ingest, process_document
from pipeline.textnorm import fold
from pipeline.vocab import SEVERITIES, STATUSES
from tests.conftest import FIXTURES

LANGUAGES = ("es", "pt", "fr", "de", "it", "nl", "ja", "zh")
# Languages writing dates year first ("2026年5月4日"): no order to guess, read in every language.
YEAR_FIRST = ("ja", "zh")
FOLDER = FIXTURES / "languages"
SHAPES = sorted(p.name for p in (FOLDER / "en").iterdir() if not p.name.endswith(".jsonl"))


def normalised(path: Path, config: Config | None = None):
    config = config or Config()
    result = process_document(path.name, path.read_bytes(), config)
    return result, normalise([result], config).entries


def values(entry) -> tuple:
    return (entry.kind, entry.entry_id, entry.likelihood, entry.impact, entry.severity, entry.status, entry.owners)


# ---- the fixtures: every language as its English twin ----------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("shape", SHAPES)
def test_fixture_normalises_like_its_english_twin(shape: str, language: str) -> None:
    _, english = normalised(FOLDER / "en" / shape)
    result, entries = normalised(FOLDER / language / shape)
    assert result.languages == ("en", language)
    assert [values(e) for e in entries] == [values(e) for e in english]
    assert [e.checked for e in entries] == [e.checked for e in english]
    assert all(e.service and e.service != "Payments Service" for e in entries)


def test_documents_record_their_languages_and_dates(tmp_path: Path) -> None:
    """`documents.languages`; and the `Last updated` dates as written: "04/05/2026" is the 4th of
    May in every language here (day-first), as "2026-05-04" is in English and "2026年5月4日" in
    Japanese and Chinese (year first, read in every language as ISO dates are)."""
    db = tmp_path / "r.duckdb"
    ingest(FOLDER, db, Config(), workers=1)
    con = duckdb.connect(str(db))
    rows = con.execute("SELECT path, languages, last_updated FROM documents WHERE path LIKE '%register_table.md'")
    rows = rows.fetchall()
    con.close()
    assert len(rows) == 1 + len(LANGUAGES)
    for path, languages, written in rows:
        language = path.split("/")[0]
        assert languages == (["en"] if language == "en" else ["en", language])
        assert date_in_languages(written, languages) == date(2026, 5, 4), (path, written)
        if language not in YEAR_FIRST:
            assert language == "en" or date_in_languages(written, ["en"]) is None  # English does not guess


# ---- the packs as data ------------------------------------------------------------------------


@pytest.mark.parametrize("language", ("en", *LANGUAGES))
def test_every_pack_says_every_field_and_value_once(language: str) -> None:
    pack = lexicon_pack.load((language,))
    assert all(pack.labels[f] for f in lexicon_pack.FIELDS), "a label for every field"
    assert set(pack.status) == set(STATUSES) and set(pack.severity.values()) == set(SEVERITIES)
    assert set(pack.scale.values()) == {1, 2, 3, 4, 5} and len(set(pack.months.values())) == 12
    data = lexicon_pack.tomllib.loads((lexicon_pack.FOLDER / f"{language}.toml").read_text(encoding="utf-8"))
    for table in ("scale", "severity", "status"):
        seen: dict[str, str] = {}
        for key, words in data[table].items():
            for word in words:
                assert seen.setdefault(fold(word), key) == key, f"[{table}] {word!r} under {seen[fold(word)]} and {key}"
    for name in ("legend", "decision_yes", "decision_no", "decision_pending", "register_words", "owner_joiners"):
        assert pack.words.get(name), f"{language} has no {name}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_packs_words_read_as_its_own_in_its_documents(language: str) -> None:
    """In a document of the language, every scale, severity and status word of its pack reads as
    the pack says: English's readings give way ("improbable" is 2 on the Spanish scale)."""
    config = configured(Config(), [language])
    pack = lexicon_pack.load((language,))
    assert all(config.scale_words[w] == level for w, level in pack.scale.items())
    assert all(config.severity_words[w] == severity for w, severity in pack.severity.items())
    status_of = {fold(w): s for s, words in config.status_synonyms.items() for w in words}
    assert all(status_of[fold(w)] == s for s, words in pack.status.items() for w in words)
    assert configured(Config(), ["es"]).scale_words["improbable"] == 2 and Config().scale_words["improbable"] == 1


def test_what_riskreg_toml_says_wins_over_every_pack(tmp_path: Path) -> None:
    (tmp_path / "riskreg.toml").write_text(
        '[scales]\nwords = { alta = 5 }\n[statuses]\nclosed = ["abierto"]\n[values]\nnull = ["", "-"]\n',
        encoding="utf-8",
    )
    config = configured(load_config(tmp_path / "riskreg.toml"), ["es"])
    assert config.scale_words["alta"] == 5 and config.scale_words["baja"] == 2
    assert "abierto" in config.status_synonyms["closed"] and "abierto" not in config.status_synonyms["open"]
    assert config.null_values[:2] == ("", "-") and "ninguno" in config.null_values and "n/a" not in config.null_values


def test_a_users_pack_file_adds_a_language(tmp_path: Path) -> None:
    """A file declaring `language = "sv"` is a pack like the shipped ones: detected by its labels,
    read only in documents that use them."""
    (tmp_path / "sv.toml").write_text(
        'language = "sv"\n[labels]\nlikelihood = ["sannolikhet"]\nimpact = ["konsekvens"]\nowner = ["ansvarig"]\n'
        'status = ["läge"]\n[scale]\n4 = ["hög"]\n2 = ["låg"]\n[status]\nopen = ["öppen"]\n'
        '[words]\nowner_joiners = [" och "]\n',
        encoding="utf-8",
    )
    (tmp_path / "riskreg.toml").write_text('[lexicon]\nfiles = ["sv.toml"]\n', encoding="utf-8")
    config = load_config(tmp_path / "riskreg.toml")
    doc = tmp_path / "risker.md"
    doc.write_text(
        "| ID | Risk | Sannolikhet | Konsekvens | Läge | Ansvarig |\n|---|---|---|---|---|---|\n"
        "| R-1 | Valv | Hög | Låg | Öppen | SRE och DBA |\n",
        encoding="utf-8",
    )
    result, (entry,) = normalised(doc, config)
    assert result.languages == ("en", "sv")
    assert (entry.likelihood, entry.impact, entry.status, entry.owners) == (4, 2, "open", ("SRE", "DBA"))
    assert config.lexicon.field_of("Sannolikhet") is None  # English documents never read Swedish words
    forced = tmp_path / "forced.toml"
    forced.write_text('[lexicon]\nfiles = ["sv.toml"]\nlanguages = ["sv"]\n', encoding="utf-8")
    assert load_config(forced).languages == ("en", "sv")
    forced.write_text('[lexicon]\nlanguages = ["sv"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="no pack 'sv'"):
        load_config(forced)


# ---- which languages a document is read in ----------------------------------------------------


def languages_of(text: str) -> tuple[str, ...]:
    doc = decode_document("x.md", text.encode())
    return document_languages(markdown.blocks(doc, Config()))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("| ID | Risk | Likelihood | Impact | Status | Owner |\n|---|---|---|---|---|---|\n", ("en",)),
        ("| Código | Riesgo | Probabilidad | Impacto |\n|---|---|---|---|\n", ("en", "es")),
        ("| Código | Risco | Probabilidade | Impacto |\n|---|---|---|---|\n", ("en", "pt")),
        ("# Risikoregister\n\nEintrittswahrscheinlichkeit: hoch\n", ("en", "de")),
        ("**PROBABILITÉ :** Élevée · **STATUT :** Ouvert\n", ("en", "fr")),
        ("Probabilità： alta\nImpatto： media\n", ("en", "it")),
        ("## Risico's\n\n- Kans: hoog\n", ("en", "nl")),
        # Labels of two Chinese or Japanese characters are words as long as "Estado" is.
        ("| 编号 | 风险 | 状态 | 负责人 |\n|---|---|---|---|\n", ("en", "zh")),
        ("| 番号 | リスク | 状況 | 担当 |\n|---|---|---|---|\n", ("en", "ja")),
        ("発生確率：高\n影響度：中\n", ("en", "ja")),
        ("# 上线检查清单\n\n- ✅ 负载测试\n- ❌ 回滚演练\n", ("en", "zh")),
        # One foreign word says nothing; words English shares with a language say nothing either.
        ("# Risks\n\nResponsable: Ana\nStatus: Open\nImpact: High\n", ("en",)),
        # A document in two languages is read in both.
        ("| Riesgo | Probabilidad | Risiko | Eintrittswahrscheinlichkeit |\n|---|---|---|---|\n", ("en", "de", "es")),
    ],
)
def test_languages_are_those_the_labels_use(text: str, expected: tuple[str, ...]) -> None:
    assert tuple(sorted(languages_of(text))) == tuple(sorted(expected))


def test_every_english_fixture_is_read_in_english_alone() -> None:
    """The packs never take over an English document: every fixture outside languages/ is English
    (but those named for their language, "..._fr.md")."""
    cases = [p for p in FIXTURES.rglob("*") if p.is_file() and not p.name.endswith((".jsonl", ".csv"))]
    cases = [p for p in cases if "languages" not in p.relative_to(FIXTURES).parts]
    cases = [p for p in cases if not p.stem.endswith(tuple(f"_{lang}" for lang in LANGUAGES))]
    wrong = [p.name for p in cases if process_document(p.name, p.read_bytes(), Config()).languages != ("en",)]
    assert len(cases) > 30 and not wrong


def test_forced_languages_skip_detection(tmp_path: Path) -> None:
    (tmp_path / "riskreg.toml").write_text('[lexicon]\nlanguages = ["pt"]\n', encoding="utf-8")
    config = load_config(tmp_path / "riskreg.toml")
    text = "| ID | Risk | Likelihood | Owner |\n|---|---|---|---|\n| R-1 | Vault | Alta | Ana e Luis |\n"
    result = process_document("x.md", text.encode(), config)
    (entry,) = normalise([result], config).entries
    assert result.languages == ("en", "pt") and entry.likelihood == 4 and entry.owners == ("Ana", "Luis")


@pytest.mark.parametrize(
    "hostile", [":" * 65536, " " * 65536, "\t|;" * 30000, "a:" * 40000, "Probabilidad：" * 5000, "x" * 100_000]
)
def test_detection_reads_hostile_text_in_linear_time(hostile: str) -> None:
    blocks = (
        Heading(line=1, end=1, level=1, text=hostile, marked=hostile),
        Paragraph(line=2, end=2, text=hostile, marked=hostile),
        Table(line=3, end=3, header=(hostile, hostile), rows=(Row(4, (hostile, hostile)),)),
    )
    start = time.perf_counter()
    document_languages(Tree("markdown", blocks))
    assert time.perf_counter() - start < 2.0


# ---- the property: any pack's words normalise as English's --------------------------------------

TITLES = {
    "en": "Risk register",
    "es": "Registro de riesgos",
    "pt": "Registro de riscos",
    "fr": "Registre des risques",
    "de": "Risikoregister",
    "it": "Registro dei rischi",
    "nl": "Risicoregister",
    "ja": "リスク管理表",
    "zh": "风险登记表",
}
NAMES = ("SRE", "DBA", "SecOps", "Ana", "Luis", "Marta")
FIELDS = ("entry_id", "title", "likelihood", "impact", "severity", "status", "owner")


def _words(language: str) -> dict:
    """What a register is rendered with in a language: each field's first label, and every value
    word of its pack as written there (accents and all), by what it means; not the words that are
    also null values ("N/A", "Sans objet": closed, or nothing), nor single letters."""
    data = tomllib.loads((lexicon_pack.FOLDER / f"{language}.toml").read_text(encoding="utf-8"))
    nulls = {v.casefold() for v in configured(Config(), [language]).null_values}

    def usable(words: list[str]) -> list[str]:
        return [w for w in words if len(fold(w)) > 1 and w.casefold() not in nulls and fold(w) not in nulls]

    pack = lexicon_pack.load((language,))
    labels = {f: pack.labels[f][0] for f in FIELDS}
    labels["entry_id"] = "ID" if language == "en" else labels["entry_id"]
    return {
        "labels": labels,
        "scale": {int(level): usable(words) for level, words in data["scale"].items()},
        "severity": {name: usable(words) for name, words in data["severity"].items()},
        "status": {name: usable(words) for name, words in data["status"].items()},
        "joiners": [j.strip() for j in data["words"]["owner_joiners"] if j.strip().isalpha()],
    }


WORDS = {language: _words(language) for language in ("en", *LANGUAGES)}
ROW = st.tuples(
    st.integers(1, 5),
    st.integers(1, 5),
    st.sampled_from(SEVERITIES),
    st.sampled_from(STATUSES),
    st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True),
)


@st.composite
def rendered(draw: st.DrawFn, language: str, rows: list[tuple]) -> list[dict[str, str]]:
    """The rows' cells in a language's words, each value word drawn from the pack."""
    words = WORDS[language]
    out = []
    for k, (likelihood, impact, severity, status, owners) in enumerate(rows, 1):
        joiner = draw(st.sampled_from(words["joiners"]))
        out.append(
            {
                "entry_id": f"R-{k}",
                "title": f"Vault outage {k}",
                "likelihood": draw(st.sampled_from(words["scale"][likelihood])).capitalize(),
                "impact": draw(st.sampled_from(words["scale"][impact])).upper(),
                "severity": draw(st.sampled_from(words["severity"][severity])).capitalize(),
                "status": draw(st.sampled_from(words["status"][status])).capitalize(),
                "owner": f" {joiner} ".join(owners),
            }
        )
    return out


def render(language: str, shape: str, cells: list[dict[str, str]]) -> tuple[str, str]:
    """(file name, text) of a register in one shape."""
    labels = WORDS[language]["labels"]
    title = f"{TITLES[language]} — Billing"
    if shape == "table":
        head = "| " + " | ".join(labels[f].capitalize() for f in FIELDS) + " |\n|" + "---|" * len(FIELDS) + "\n"
        body = "".join("| " + " | ".join(row[f] for f in FIELDS) + " |\n" for row in cells)
        return "r.md", f"# {title}\n\n{head}{body}"
    if shape == "sections":
        parts = [f"# {title}\n"]
        for row in cells:
            parts.append(f"## {row['entry_id']} · {row['title']}\n")
            parts += [f"**{labels[f].capitalize()}:** {row[f]}  " for f in FIELDS[2:]]
            parts.append("")
        return "r.md", "\n".join(parts)
    head = "".join(f"<th>{html.escape(labels[f].capitalize())}</th>" for f in FIELDS)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(row[f])}</td>" for f in FIELDS) + "</tr>\n" for row in cells)
    return "r.html", f"<html><body><h1>{title}</h1><table><tr>{head}</tr>\n{body}</table></body></html>"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(ROW, min_size=1, max_size=4),
    language=st.sampled_from(LANGUAGES),
    shape=st.sampled_from(("table", "sections", "html")),
    data=st.data(),
)
def test_a_register_in_any_packs_words_normalises_as_its_english_twin(
    rows: list[tuple], language: str, shape: str, data: st.DataObject
) -> None:
    read = {}
    for lang in ("en", language):
        cells = data.draw(rendered(lang, rows), label=lang)
        name, text = render(lang, shape, cells)
        result = process_document(name, text.encode(), Config())
        read[lang] = (cells, result, normalise([result], Config()).entries)
    (_, _, english), (cells, result, entries) = read["en"], read[language]
    assert result.languages == ("en", language)
    assert [e.entry_id for e in entries] == [f"R-{k}" for k in range(1, len(rows) + 1)]
    for twin, entry, row in zip(english, entries, cells, strict=True):
        assert (entry.likelihood, entry.impact, entry.severity, entry.status, entry.owners) == (
            twin.likelihood,
            twin.impact,
            twin.severity,
            twin.status,
            twin.owners,
        )
        assert (entry.likelihood_raw, entry.impact_raw, entry.status_raw, entry.owner_raw) == (
            row["likelihood"],
            row["impact"],
            row["status"],
            row["owner"],
        )
    assert [(e.likelihood, e.impact, e.status) for e in english] == [(r[0], r[1], r[3]) for r in rows]


@pytest.mark.parametrize("language", ("en", *LANGUAGES))
def test_every_value_word_of_a_pack_reads_in_a_register_of_its_language(language: str) -> None:
    """Each scale, severity and status word of the pack, as written there, in a table of its language."""
    words = WORDS[language]
    cases = [("likelihood", word, level) for level, ws in words["scale"].items() for word in ws]
    cases += [("severity", word, name) for name, ws in words["severity"].items() for word in ws]
    cases += [("status", word, name) for name, ws in words["status"].items() for word in ws]
    cells = [
        {
            "entry_id": f"R-{k}",
            "title": f"Vault outage {k}",
            "likelihood": word if field == "likelihood" else words["scale"][3][0],
            "impact": words["scale"][2][0],
            "severity": word if field == "severity" else words["severity"]["low"][0],
            "status": word if field == "status" else words["status"]["open"][0],
            "owner": "SRE",
        }
        for k, (field, word, _) in enumerate(cases, 1)
    ]
    name, text = render(language, "table", cells)
    entries = {e.entry_id: e for e in normalise([process_document(name, text.encode(), Config())], Config()).entries}
    wrong = [(word, want, getattr(entries[f"R-{k}"], field)) for k, (field, word, want) in enumerate(cases, 1)]
    assert [w for w in wrong if w[1] != w[2]] == []


@pytest.mark.parametrize(
    ("labels", "legend"),
    [
        (
            "| ID | Risk | Likelihood | Impact |",
            "> **Legend:**\n> - **Likelihood and impact:** Low, Medium, High\n"
            "> - **Risk level:** found by combining likelihood with impact",
        ),
        (
            "| ID | Risco | Probabilidade | Impacto |",
            "> **Legenda:**\n> - **Probabilidade e Impacto:** Baixa, Média, Alta\n"
            "> - **Nível de Risco:** resulta de combinar as duas escalas",
        ),
    ],
)
def test_a_legend_under_the_register_heading_is_no_risk(labels: str, legend: str) -> None:
    """A legend quoted under the register's table names the scale, it is not one more risk."""
    table = f"{labels}\n|---|---|---|---|\n| R1 | Vault | High | Low |\n"
    text = f"# Risks\n\n## 1. Risk identification\n\n{table}\n{legend}\n"
    result = process_document("x.md", text.encode(), Config())
    assert [e.fields.get("entry_id") for e in result.entries] == ["R1"]


@pytest.mark.parametrize(
    ("language", "title", "service"),
    [
        ("es", "Registro de riesgos — Pagos", "Pagos"),
        ("es", "Lista de verificación de producción: Servicio de Pagos", "Servicio de Pagos"),
        ("pt", "Plano de riscos: Pagamentos", "Pagamentos"),
        ("fr", "Registre des risques - Facturation", "Facturation"),
        ("de", "Risikoregister Zahlungsdienst", "Zahlungsdienst"),
        ("de", "Checkliste Zahlungsdienst", "Zahlungsdienst"),
        ("it", "Registro dei rischi del Servizio Pagamenti", "Servizio Pagamenti"),
        ("nl", "Risicoregister Betaalservice", "Betaalservice"),
    ],
)
def test_a_titles_document_words_are_dropped_in_its_language(language: str, title: str, service: str) -> None:
    doc = DocumentResult(path="x.md", sha256="0", size=1, title=title, languages=("en", language))
    assert normalise([doc], Config()).services == {"x.md": service}


# ---- ranges of two scale words ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("register", "expected"),
    [
        (
            "# Risk register\n\n| ID | Risk | Likelihood | Impact | Status |\n|---|---|---|---|---|\n"
            "| R-1 | Vault outage | medium to high | low-medium | open |\n"
            "| R-2 | Cert expiry | Low – Medium | High to Very High | open |\n",
            [(4, 3), (3, 5)],
        ),
        (
            "# Risikoregister\n\n| Nr. | Risiko | Eintrittswahrscheinlichkeit | Auswirkung | Status |\n"
            "|---|---|---|---|---|\n| 1 | Ausfall Rechenzentrum | mittel-hoch | gering–mittel | offen |\n"
            "| 2 | Datenverlust | mittel bis hoch | hoch bis sehr hoch | offen |\n",
            [(4, 3), (4, 5)],
        ),
        (
            "# Registre des risques\n\n| Réf. | Risque | Probabilité | Impact | Statut |\n|---|---|---|---|---|\n"
            "| R1 | Perte de données | moyenne à élevée | faible à moyenne | ouvert |\n",
            [(4, 3)],
        ),
        (
            "# Registro de riesgos\n\n| Código | Riesgo | Probabilidad | Impacto | Estado |\n|---|---|---|---|---|\n"
            "| R1 | Caída del servicio | media a alta | baja-media | abierto |\n",
            [(4, 3)],
        ),
        (
            "# Risicoregister\n\n| Nr | Risico | Kans | Gevolg | Status |\n|---|---|---|---|---|\n"
            "| 1 | Storing netwerk | middel-hoog | laag tot middel | open |\n",
            [(4, 3)],
        ),
    ],
)
def test_a_range_of_two_scale_words_reads_as_the_higher(register: str, expected: list[tuple[int, int]]) -> None:
    """Two scale words joined by a dash or the language's "to" (`range_joiners`) read as the higher
    level, in every language, as the listed "Medium-High" always did."""
    result = process_document("r.md", register.encode(), Config())
    assert [(e.likelihood, e.impact) for e in normalise([result], Config()).entries] == expected


# ---- values in another language than the labels ----------------------------------------------


def test_values_no_language_of_the_document_reads_are_read_with_the_words_every_pack_agrees_on() -> None:
    """English labels over German and French values: the labels make the document English, and a
    value English does not read is read with the words every pack reads alike ("hoch" 4, "offen"
    open); a typo is still read only with English's words, and a cell nobody reads stays flagged."""
    text = (
        "# Risk register\n\n| ID | Risk | Likelihood | Impact | Severity | Status |\n|---|---|---|---|---|---|\n"
        "| R-1 | Scanner fallen aus | hoch | mittel | hoch | offen |\n"
        "| R-2 | Perte de données | élevée | moyen à élevé | critique | en cours |\n"
        "| R-3 | Vault outage | Medum | Hgih | High | Mitgating |\n"
        "| R-4 | Cert expiry | sometimes | MB | High | parked |\n"
    )
    result = process_document("r.md", text.encode(), Config())
    assert result.languages == ("en",)
    entries = normalise([result], Config()).entries
    assert [(e.likelihood, e.impact, e.severity, e.status) for e in entries] == [
        (4, 3, "high", "open"),
        (4, 4, "critical", "mitigating"),
        (3, None, "high", "mitigating"),
        (None, None, "high", None),
    ]
    assert "not read as a rating" in " ".join(entries[3].notes) and "not recognised" in " ".join(entries[3].notes)


@pytest.mark.parametrize(("yes", "no"), [("oui", "non"), ("ja", "nein"), ("Sí", "Pendiente"), ("sim", "não")])
def test_a_done_column_in_another_language_says_whether_each_check_is_done(yes: str, no: str) -> None:
    text = (
        f"# Go-live checklist\n\n| Check | Done |\n|---|---|\n| Backups restored | {yes} |\n"
        f"| Runbook written | {no} |\n"
    )
    result = process_document("c.md", text.encode(), Config())
    assert [(e.kind, e.fields["title"], e.checked) for e in result.entries] == [
        ("check", "Backups restored", True),
        ("check", "Runbook written", False),  # "Pendiente": not done yet, as "Pending" reads
    ]


# ---- a checklist whose only words are its heading ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("# Lista de verificación\n\n- ✅ Pruebas de carga realizadas\n- ❌ Plan de reversión probado\n", "es"),
        ("# Checkliste Produktivsetzung\n\n- ✅ Lasttest durchgeführt\n- ❌ Rücksicherung geprüft\n", "de"),
        ("# Liste de contrôle – mise en production\n\n- ✅ Tests de charge réalisés\n- ❌ Retour testé\n", "fr"),
        ("# App móvil\n\n## Lista de verificación\n\n- ✅ Pruebas de carga\n- ❌ Plan de reversión\n", "es"),
        ("# リリース前チェックリスト：決済基盤\n\n- ✅ 負荷試験を実施\n- ❌ 切り戻し手順を確認\n", "ja"),
        ("# 上线检查清单 支付平台\n\n- ✅ 负载测试\n- ❌ 回滚演练\n", "zh"),
    ],
)
def test_one_checklist_heading_of_a_pack_reads_the_document_in_its_language(text: str, language: str) -> None:
    """A ✅/❌ list under a checklist heading in another language loads as it does under
    "# Checklist": one checklist heading of one pack alone is enough to read that language."""
    result = process_document("c.md", text.encode(), Config())
    assert result.languages == ("en", language)
    assert [(e.kind, e.checked) for e in result.entries] == [("check", True), ("check", False)]


@pytest.mark.parametrize(
    "text",
    [
        # A sign-off heading ("Validation", "Firma") is a word English documents use too.
        "# Launch notes\n\n## Validation\n\n- ✅ Load test\n- ❌ Rollback drill\n",
        "# Risks\n\n## Firma\n\n| ID | Risk | Likelihood |\n|---|---|---|\n| R-1 | Vault | High |\n",
        # A checklist word in a table header is a label, not a heading.
        "# Risks\n\n| ID | Checkliste | Likelihood |\n|---|---|---|\n| R-1 | Vault | High |\n",
    ],
)
def test_one_foreign_word_outside_a_checklist_heading_leaves_a_document_english(text: str) -> None:
    assert languages_of(text) == ("en",)


def test_a_comma_separated_file_with_its_header_in_another_language_loads() -> None:
    # The language was looked for in a CSV header only when it was split by ';': with commas (as
    # Excel and Google Sheets write them) the file was read in English alone and gave nothing.
    german = "Nr,Risiko,Wahrscheinlichkeit,Auswirkung,Verantwortlich\n1,Lieferant fällt aus,hoch,mittel,Einkauf\n"
    japanese = "No,リスク,発生可能性,影響度,担当者\n1,決済代行の障害,高,大,佐藤\n"
    for name, text, expected in (
        ("de.csv", german, ("1", "Lieferant fällt aus", "hoch", "mittel", "Einkauf")),
        ("ja.csv", japanese, ("1", "決済代行の障害", "高", "大", "佐藤")),
    ):
        result = process_document(name, text.encode(), Config())
        fields = ("entry_id", "title", "likelihood", "impact", "owner")
        assert [tuple(e.fields.get(f) for f in fields) for e in result.entries] == [expected], name


def test_common_words_of_the_packs_found_missing_by_a_probe(tmp_path: Path) -> None:
    # German 'SA' (Schadensausmaß) beside 'EW', Dutch 'Wie' (who) and 'Afgehandeld' (dealt with),
    # French 'levé' (a risk lifted), an 'x' in a Done column: each read as nothing before.
    docs = {
        "de.md": "| Nr. | Risiko | EW | SA | Verantwortlich |\n|---|---|---|---|---|\n"
        "| R1 | Lieferant fällt aus | 3 | 4 | Einkauf |\n",
        "nl.md": "| Nr | Risico | Kans | Impact | Status | Wie |\n|---|---|---|---|---|---|\n"
        "| N1 | Certificaat verloopt | laag | hoog | Afgehandeld | Jan |\n",
        "fr.md": "| Réf. | Risque | Probabilité | Statut | Porteur |\n|---|---|---|---|---|\n"
        "| F1 | Panne du prestataire | 3 | Levé | Infra |\n",
        "launch.md": "# Launch checklist\n\n| Item | Done |\n|---|---|\n| Load test | x |\n",
    }
    for name, text in docs.items():
        (tmp_path / "docs").mkdir(exist_ok=True)
        (tmp_path / "docs" / name).write_text(text, encoding="utf-8")
    ingest(tmp_path / "docs", tmp_path / "r.duckdb", Config(), workers=1)
    con = duckdb.connect(str(tmp_path / "r.duckdb"), read_only=True)
    rows = con.execute("SELECT entry_id, title, impact, status, owners, checked FROM entries ORDER BY title").fetchall()
    con.close()
    assert rows == [
        ("N1", "Certificaat verloopt", 4, "closed", ["Jan"], None),
        ("R1", "Lieferant fällt aus", 4, None, ["Einkauf"], None),
        (None, "Load test", None, None, [], True),
        ("F1", "Panne du prestataire", None, "closed", ["Infra"], None),
    ]
