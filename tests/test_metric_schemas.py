"""Schemas of the metric registry (schemas/registry.schema.yaml) and of the metrics and
evidence tables (schemas/metrics.py): the shipped files pass; a broken entry or row is
refused with a message naming the file, the entry or row and the key or column."""

from pathlib import Path

import pandas as pd
import pytest
import yaml

from lib.registry import RegisterError, load_registry, uncomputed
from schemas import metrics as schema

REG = Path("resources/metric_registry.yaml")


@pytest.fixture(scope="module")
def registry():
    return load_registry(REG)


def broken_registry(tmp_path, edit) -> Path:
    doc = yaml.safe_load(REG.read_text(encoding="utf-8"))
    edit({m["id"]: m for m in doc["metrics"]}, doc)
    path = tmp_path / "metric_registry.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def test_shipped_registry_passes_and_every_metric_has_a_kind(registry):
    assert len(registry) > 30
    assert {e["kind"] for e in registry.values()} == {
        "count", "distinct_count", "share", "share_of_population", "mean", "mean_of_shares"}


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda ms, d: ms["gender_share"].update(kind="counted"),
         "metric 'gender_share' (entry 10), key 'kind': 'counted' is not one of"),
        (lambda ms, d: ms["gender_share"].update(kind="count"),
         "metric 'gender_share' (entry 10), key 'unit': 'share' is not one of ['count', 'rank'] (for kind 'count')"),
        (lambda ms, d: ms["attribution_mean"].pop("evidence_roles"),
         "metric 'attribution_mean' (entry 32): lacks 'evidence_roles'"),
        (lambda ms, d: ms["unique_people"].update(colour="red"),
         "metric 'unique_people' (entry 5): unknown key(s) 'colour'"),
        (lambda ms, d: ms["countries_total"].update(id="unique_people"),
         "metric 'unique_people' (entry 6), key 'id': already used by entry 5"),
        (lambda ms, d: ms["application_rate"].update(kind="mean"),
         "metric 'application_rate' (entry 27), key 'unit': 'mean_percent' was expected (for kind 'mean')"),
    ],
)
def test_a_broken_registry_entry_is_refused_naming_file_metric_and_key(tmp_path, edit, expected):
    path = broken_registry(tmp_path, edit)
    with pytest.raises(RegisterError) as err:
        load_registry(path)
    message = str(err.value)
    assert message.startswith(f"{path}: ") and "schemas/registry.schema.yaml" in message
    assert expected in message, message
    assert "Traceback" not in message


def test_a_stage_not_declared_in_the_vocabulary_is_refused(tmp_path):
    path = broken_registry(tmp_path, lambda ms, d: ms["gender_share"].update(stage="behaviour"))
    with pytest.raises(RegisterError) as err:
        load_registry(path)
    assert str(err.value) == (
        f"{path}: metric 'gender_share' (entry 10), key 'stage': 'behaviour' is not a metric stage "
        "(participation, reaction, application; a new stage is declared in scripts/lib/vocabulary.py)"
    )


def test_a_registry_with_a_yaml_error_names_the_line(tmp_path):
    path = tmp_path / "metric_registry.yaml"
    path.write_text("metrics:\n  - id: x\n    stage: [participation\n", encoding="utf-8")
    with pytest.raises(RegisterError, match=rf"^{path}:4: not valid YAML"):
        load_registry(path)


def test_uncomputed_lists_the_metrics_of_the_scopes_stages_only(registry):
    computed = [m for m, e in registry.items() if e["stage"] == "participation" and m != "countries_total"]
    assert uncomputed(registry, ["participation"], computed) == ["countries_total"]
    # a scope without a follow-up survey: the application metrics are not asked for
    assert all(registry[m]["stage"] == "reaction" for m in uncomputed(registry, ["participation", "reaction"], computed[:0] + computed + ["countries_total"]))


def metrics_frame():
    return pd.DataFrame(
        {
            "metric_id": ["participants_total", "gender_share", "gender_share"],
            "level": [None, "female", "male"],
            "value": [10.0, 0.6, 0.4],
            "numerator": [10.0, 6.0, 4.0],
            "denominator": [None, 10.0, 10.0],
            "unit": ["count", "share", "share"],
            "ci_low": [None, None, None],
            "ci_high": [None, None, None],
            "rank": [None, None, None],
        }
    ).astype({c: float for c in ("value", "numerator", "denominator", "ci_low", "ci_high", "rank")})


def test_a_good_metrics_frame_passes_and_the_shipped_tables_too(registry):
    schema.check(metrics_frame(), schema.metrics_schema(registry), "participation.csv")
    table = metrics_frame().assign(stage="participation", label="l", definition="d")
    schema.check(table, schema.metrics_schema(registry, table=True), "metrics.csv")


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda f: f.loc.__setitem__((1, "value"), 1.5), "row 2 (gender_share:female), unit share: value is not a fraction 0-1"),
        (lambda f: f.loc.__setitem__((2, "unit"), "count"), "row 3 (gender_share:male), unit differs from the registry's"),
        (lambda f: f.loc.__setitem__((0, "metric_id"), "participants"),
         "row 1 (participants), column 'metric_id', value 'participants': is not a metric of resources/metric_registry.yaml"),
        (lambda f: f.loc.__setitem__((0, "level"), "x"),
         "row 1 (participants_total:x), level given for a metric without breakdown, or missing for one with"),
        (lambda f: f.loc.__setitem__((2, "level"), "female"), "row 3 (gender_share:female), metric_id and level repeat another row"),
        (lambda f: f.loc.__setitem__((1, "numerator"), -1.0), "row 2 (gender_share:female), column 'numerator', value -1.0: is negative"),
    ],
)
def test_a_broken_metrics_row_is_refused_naming_row_and_column(registry, edit, expected):
    frame = metrics_frame()
    edit(frame)
    with pytest.raises(schema.MetricsTableError) as err:
        schema.check(frame, schema.metrics_schema(registry), "results/metrics/participation.csv")
    message = str(err.value)
    assert message.startswith("results/metrics/participation.csv: ") and expected in message, message


def test_a_metrics_table_row_of_the_wrong_stage_or_a_missing_column_is_refused(registry):
    table = metrics_frame().assign(stage=["reaction", "participation", "participation"], label="l", definition="d")
    with pytest.raises(schema.MetricsTableError, match=r"row 1 \(participants_total\), stage differs from the registry's"):
        schema.check(table, schema.metrics_schema(registry, table=True), "metrics.csv")
    with pytest.raises(schema.MetricsTableError, match="column 'rank' is missing"):
        schema.check(metrics_frame().drop(columns="rank"), schema.metrics_schema(registry), "participation.csv")


def test_evidence_rows_follow_the_registrys_evidence_policy(registry):
    good = pd.DataFrame(
        {"metric_id": ["gender_share", "gender_share", "participants_total"], "level": ["female", "female", ""],
         "role": ["numerator", "denominator", "numerator"], "key_type": ["edition:participant_key"] * 3,
         "key": ["E1:a", "E1:a", "E1:a"]}
    ).astype("string")
    schema.check(good, schema.evidence_schema(registry), "evidence/participation.parquet")
    # a count lists its numerator only (evidence_roles [numerator]); a role must be one of two
    bad = good.copy()
    bad.loc[2, "role"] = "denominator"
    bad.loc[1, "role"] = "total"
    with pytest.raises(schema.MetricsTableError) as err:
        schema.check(bad, schema.evidence_schema(registry), "evidence/participation.parquet")
    message = str(err.value)
    assert "row 3 (participants_total), role not in the metric's evidence_roles" in message
    assert "row 2 (gender_share:female), column 'role', value 'total': is not numerator or denominator" in message
