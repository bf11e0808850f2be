"""Cohort helpers (a folder of per-rater files → one assessment per Kommune and period; series; consecutive
comparisons; slugs) and the table bridge (flat records, a pandas DataFrame) on the shipped NZFH framework."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import qframework
from qframework import (
    Assessment,
    CohortReport,
    QFrameworkError,
    Rater,
    Rating,
    Subject,
    ValidationError,
    combine_files,
    compare_series,
    save_assessment,
    series,
    slugify,
    to_dataframe,
    to_records,
)

FRAMEWORK_ID = "nzfh-qualitaetsrahmen"


@pytest.fixture(scope="module")
def registry() -> qframework.Registry:
    return qframework.load_registry()


def rater_file(registry: qframework.Registry, kommune: str, period: str, rater: str, shift: int) -> Assessment:
    """One rater's complete assessment: every indicator at a level that depends on ``shift``."""
    fw = registry.frameworks[FRAMEWORK_ID]
    ratings = []
    for n, indicator in enumerate(fw.indicators()):
        levels = [level.value for level in fw.scale_of(indicator).levels]
        ratings.append(Rating(indicator.id, levels[(n + shift) % len(levels)], rater=rater))
    return Assessment(
        fw.id, fw.version, Subject(kommune, kommune.title()), period, tuple(ratings), (Rater(rater, "Rolle"),)
    )


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory, registry: qframework.Registry) -> Path:
    """Two Kommunen × two years × two raters, one file each, TOML and JSON mixed, plus a file to ignore."""
    root = tmp_path_factory.mktemp("rueckmeldungen")
    for k, kommune in enumerate(("kiel", "celle")):
        for p, period in enumerate(("2024", "2025")):
            for r, rater in enumerate(("koordination", "hebamme")):
                suffix = ".json" if r else ".toml"
                save_assessment(
                    rater_file(registry, kommune, period, rater, k + p + r),
                    root / f"{kommune}-{period}-{rater}{suffix}",
                )
    (root / "liesmich.txt").write_text("not an assessment", encoding="utf-8")
    return root


# --- slugify -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Landkreis Lüneburg", "landkreis-lueneburg"),
        ("Hansestadt Lübeck (Kreisfreie Stadt)", "hansestadt-luebeck-kreisfreie-stadt"),
        ("Landkreis Göttingen", "landkreis-goettingen"),
        ("Gießen", "giessen"),
        ("  Ökoregion--Süd  ", "oekoregion-sued"),
        ("Region Hannover 2", "region-hannover-2"),
        ("Ærøskøbing", "aeroskobing"),
    ],
)
def test_slugify_spells_out_umlauts_and_makes_a_valid_id(name: str, slug: str) -> None:
    assert slugify(name) == slug
    Subject(slugify(name), name)  # a valid subject id


def test_slugify_refuses_a_name_without_letters_and_a_non_str() -> None:
    with pytest.raises(QFrameworkError, match="no letter or digit"):
        slugify("– / –")
    with pytest.raises(TypeError, match="slugify: name must be a str, got int"):
        slugify(42)  # type: ignore[arg-type]


# --- combine_files -----------------------------------------------------------------------------


def test_a_folder_of_per_rater_files_becomes_one_assessment_per_kommune_and_period(
    folder: Path, registry: qframework.Registry
) -> None:
    combined = combine_files(folder, registry=registry)
    assert [(a.subject.id, a.period) for a in combined] == [
        ("celle", "2024"), ("celle", "2025"), ("kiel", "2024"), ("kiel", "2025"),
    ]  # fmt: skip
    for a in combined:
        assert {r.id for r in a.raters} == {"koordination", "hebamme"}
        assert len(a.ratings) == 2 * sum(1 for _ in registry.frameworks[FRAMEWORK_ID].indicators())
    kiel_2025 = combined[3]  # kiel is Kommune 0, 2025 period 1, hebamme rater 1: shift 2
    assert set(rater_file(registry, "kiel", "2025", "hebamme", 2).ratings) <= set(kiel_2025.ratings)
    assert set(rater_file(registry, "kiel", "2025", "koordination", 1).ratings) <= set(kiel_2025.ratings)


def test_combine_files_takes_a_list_and_names_each_broken_file(
    folder: Path, registry: qframework.Registry, tmp_path: Path
) -> None:
    files = sorted(folder.glob("kiel-2024-*"))
    (one,) = combine_files(files, registry=registry)
    assert one.subject.id == "kiel" and len(one.raters) == 2
    broken = tmp_path / "kaputt.toml"
    broken.write_text('framework_id = "nzfh-qualitaetsrahmen"\n', encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        combine_files([*files, broken], registry=registry)
    assert all(p.path.startswith("kaputt.toml") for p in info.value.problems)
    (tmp_path / "leer").mkdir()
    with pytest.raises(QFrameworkError, match="holds no assessment file"):
        combine_files(tmp_path / "leer")
    with pytest.raises(TypeError, match=r"combine_files: source\[0\] must be a str or os.PathLike, got int"):
        combine_files([1])  # type: ignore[list-item]


def test_two_files_of_one_rater_are_refused_by_name(
    folder: Path, registry: qframework.Registry, tmp_path: Path
) -> None:
    again = tmp_path / "kiel-2024-koordination-kopie.toml"
    again.write_bytes((folder / "kiel-2024-koordination.toml").read_bytes())
    with pytest.raises(ValidationError, match="koordination"):
        combine_files([folder / "kiel-2024-koordination.toml", again], registry=registry)


# --- series and comparisons --------------------------------------------------------------------


@pytest.fixture(scope="module")
def cards(folder: Path, registry: qframework.Registry) -> list[qframework.Scorecard]:
    return qframework.score_all(reversed(combine_files(folder, registry=registry)), registry=registry)


def test_series_orders_each_kommunes_scorecards_by_period(cards: list[qframework.Scorecard]) -> None:
    by_kommune = series(cards)
    assert list(by_kommune) == ["celle", "kiel"]
    assert [c.period for c in by_kommune["kiel"]] == ["2024", "2025"]
    with pytest.raises(QFrameworkError, match="'kiel' has more than one scorecard for 2025"):
        series([*cards, next(c for c in cards if c.subject.id == "kiel" and c.period == "2025")])


def test_compare_series_compares_every_consecutive_pair(cards: list[qframework.Scorecard]) -> None:
    comparisons = compare_series(cards)
    assert [(c.after.subject.id, c.before.period, c.after.period) for c in comparisons] == [
        ("celle", "2024", "2025"), ("kiel", "2024", "2025"),
    ]  # fmt: skip
    assert comparisons[1] == qframework.compare(series(cards)["kiel"][0], series(cards)["kiel"][1])


def test_cohort_report_refuses_a_kommune_twice_in_one_period(
    cards: list[qframework.Scorecard], registry: qframework.Registry
) -> None:
    fw = registry.frameworks[FRAMEWORK_ID]
    latest = [c for c in cards if c.period == "2025"]
    assert CohortReport(tuple(latest), fw).chosen_period == "2025"
    with pytest.raises(QFrameworkError, match="a Kommune occurs more than once in one period: kiel 2025"):
        CohortReport((*latest, next(c for c in latest if c.subject.id == "kiel")), fw)
    with pytest.raises(TypeError, match=r"scorecards\[0\] must be a Scorecard, got str"):
        CohortReport(("kiel",), fw)  # type: ignore[arg-type]


# --- records -----------------------------------------------------------------------------------


def test_scorecard_records_are_flat_ids_and_numbers(cards: list[qframework.Scorecard]) -> None:
    rows = to_records(cards)
    dimensions = sum(len(c.dimensions) for c in cards)
    assert len(rows) == dimensions
    card = cards[0]
    first = rows[0]
    d = card.dimensions[0]
    assert first["subject_id"] == card.subject.id and first["period"] == card.period
    assert first["dimension"] == d.dimension and first["score"] == d.score
    assert first["coverage"] == d.coverage  # a computed property
    assert all(k.isidentifier() and k == k.lower() for k in first)
    assert all(isinstance(v, (str, int, float, bool, type(None), tuple)) for row in rows for v in row.values())
    overall = to_records(cards, table="overall")
    assert [(r["subject_id"], r["period"], r["overall"]) for r in overall] == [
        (c.subject.id, c.period, c.overall) for c in cards
    ]
    indicators = to_records(card, table="indicators")
    assert len(indicators) == len(card.indicators)
    assert indicators[0]["rated"] is card.indicators[0].rated and indicators[0]["values"] == card.indicators[0].values


def test_comparisons_stack_with_kommune_and_periods(cards: list[qframework.Scorecard]) -> None:
    comparisons = compare_series(cards)
    rows = to_records(comparisons)
    assert len(rows) == sum(len(c.dimensions) for c in comparisons)
    assert {(r["subject_id"], r["period_before"], r["period_after"]) for r in rows} == {
        ("celle", "2024", "2025"), ("kiel", "2024", "2025"),
    }  # fmt: skip
    for row in rows:
        assert row["improved"] == (row["delta"] is not None and row["delta"] > 0)
    (kiel,) = [r for r in to_records(comparisons, table="overall") if r["subject_id"] == "kiel"]
    assert kiel["delta"] == comparisons[1].overall_delta
    assert kiel["dimensions_improved"] == len(comparisons[1].improved)


def test_priorities_disagreements_translation_and_assignment_records(
    cards: list[qframework.Scorecard], registry: qframework.Registry, folder: Path
) -> None:
    card = cards[0]
    weakest = qframework.priorities(card, 3)
    assert [(r["rank"], r["dimension"]) for r in to_records(weakest)] == [
        (i, d.dimension) for i, d in enumerate(weakest, start=1)
    ]
    contested = qframework.disagreements(card)
    assert [r["indicator"] for r in to_records(contested)] == [i.indicator for i in contested]
    assessment = qframework.load_assessment(folder / "kiel-2024-koordination.toml", registry=registry)
    report = qframework.translate(assessment, "nzfh-nds", registry=registry).report
    assert [r["target"] for r in to_records(report)] == [c.target for c in report.carried]
    assert to_records([]) == []
    with pytest.raises(TypeError, match=r"to_records: data\[1\] must be a Scorecard"):
        to_records([card, weakest[0]])  # type: ignore[list-item]
    with pytest.raises(qframework.UnknownOption, match="unknown table 'rows'"):
        to_records(card, table="rows")  # type: ignore[arg-type]


def test_to_dataframe_is_the_records_as_pandas(cards: list[qframework.Scorecard]) -> None:
    pandas = pytest.importorskip("pandas")
    frame = to_dataframe(cards)
    assert isinstance(frame, pandas.DataFrame)
    rows = to_records(cards)
    assert list(frame.columns) == list(rows[0]) and len(frame) == len(rows)
    assert frame["score"].dtype == float and frame["number"].dtype.kind == "i"
    by_kommune = frame.groupby("subject_id")["score"].mean()
    assert set(by_kommune.index) == {"celle", "kiel"}


def test_to_dataframe_without_pandas_says_how_to_get_it(
    cards: list[qframework.Scorecard], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(QFrameworkError, match=r"pip install 'qframework\[pandas\]'"):
        to_dataframe(cards)


def test_participant_from_priorities_ranks_the_weakest_topics_without_the_mandatory(
    cards: list[qframework.Scorecard], registry: qframework.Registry
) -> None:
    from qframework import participant_from_priorities, priorities

    programme = registry.programmes["qdfh-2019"]
    card = cards[0]
    mandatory = set(programme.rules.mandatory_topics)
    weakest_first = [d.dimension for d in priorities(card, len(card.dimensions))]
    p = participant_from_priorities(card, programme.rules, location=(54.3, 10.1))
    assert p.id == card.subject.id and p.name == card.subject.name and p.location == (54.3, 10.1)
    assert list(p.preferences) == [d for d in weakest_first if d not in mandatory]
    assert participant_from_priorities(card, programme.rules, n=3).preferences == p.preferences[:3]
    with pytest.raises(TypeError, match="participant_from_priorities: n must be an int, got str"):
        participant_from_priorities(card, programme.rules, n="3")  # type: ignore[arg-type]
