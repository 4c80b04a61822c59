import math

import pytest

from lib.registry import MetricRows, load_registry, metric_key, registry_frame

REG = "resources/metric_registry.yaml"


@pytest.fixture(scope="module")
def registry():
    return load_registry(REG)


def test_registry_loads_in_file_order(registry):
    ids = list(registry)
    assert ids[0] == "participants_total"
    assert registry["gender_share"]["unit"] == "share"
    assert registry["gender_share"]["breakdown"] == "gender"
    frame = registry_frame(registry)
    assert frame["metric_id"].tolist() == ids


def test_rows_are_checked_and_sorted(registry):
    rows = MetricRows(registry, stage="participation")
    rows.share("gender_share", 3, 4, level="male")
    rows.share("gender_share", 1, 4, level="female")
    rows.count("participants_total", 5)
    rows.share("certificates_completion_share", 0, 0)
    frame = rows.frame()
    assert frame["metric_id"].tolist() == [
        "participants_total",
        "gender_share",
        "gender_share",
        "certificates_completion_share",
    ]
    assert frame["level"].tolist()[1:3] == ["female", "male"]
    assert frame.loc[1, "value"] == 0.25 and frame.loc[1, "unit"] == "share"
    assert frame.loc[0, "numerator"] == 5 and math.isnan(frame.loc[0, "denominator"])
    assert math.isnan(frame.loc[3, "value"])


def test_rows_refuse_contract_breaks(registry):
    rows = MetricRows(registry, stage="participation")
    with pytest.raises(KeyError, match="not defined"):
        rows.count("no_such_metric", 1)
    with pytest.raises(ValueError, match="kind 'share'"):
        rows.count("gender_share", 1, level="female")
    with pytest.raises(ValueError, match="give a level"):
        rows.share("gender_share", 1, 2)
    with pytest.raises(ValueError, match="no breakdown"):
        rows.count("participants_total", 1, level="x")
    with pytest.raises(ValueError, match="stage"):
        rows.share("application_rate", 1, 2)
    rows.count("participants_total", 1)
    with pytest.raises(ValueError, match="twice"):
        rows.count("participants_total", 1)
    with pytest.raises(ValueError, match="bad share"):
        rows.share("certificates_completion_share", 3, 2)


def test_mean_and_evidence(registry):
    rows = MetricRows(registry)
    rows.mean("attribution_mean", 136, 2)
    rows.share("application_rate", 8, 10, ci=(0.5, 0.9))
    f = rows.frame()
    assert f.loc[f.metric_id == "attribution_mean", "value"].item() == 68
    assert f.loc[f.metric_id == "application_rate", "ci_low"].item() == 0.5
    rows.evidence("application_rate", None, "numerator", ["b", "a", "a"], "response_id")
    ev = rows.evidence_frame()
    assert ev["key"].tolist() == ["a", "b"] and set(ev["level"]) == {""}
    with pytest.raises(ValueError):
        rows.evidence("application_rate", None, "other", ["a"], "response_id")


def test_metric_key():
    assert metric_key("participants_total") == "participants_total"
    assert metric_key("gender_share", "female") == "gender_share:female"
    assert metric_key("x", float("nan")) == "x"


def test_evidence_frame_orders_calls_by_registry_level_role_and_key(registry):
    """Calls in any order; keys given as a list, a pandas Series (NA dropped, duplicates
    removed) and an Arrow array; rows come out by metric (registry order), level, role, key."""
    import pandas as pd
    import pyarrow as pa

    rows = MetricRows(registry)
    rows.evidence("gender_share", "male", "numerator", pd.Series(["k2", None, "k1", "k2"]), "edition:participant_key")
    rows.evidence("gender_share", "female", "denominator", pa.array(["é", "z", "a"]), "edition:participant_key")
    rows.evidence("participants_total", None, "numerator", ["2020-EN1:b", "2020-EN1:a"], "edition:participant_key")
    rows.evidence("gender_share", "female", "numerator", [], "edition:participant_key")
    ev = rows.evidence_frame()
    assert ev.columns.tolist() == ["metric_id", "level", "role", "key_type", "key"]
    assert [tuple(r) for r in ev[["metric_id", "level", "role", "key"]].itertuples(index=False)] == [
        ("participants_total", "", "numerator", "2020-EN1:a"),
        ("participants_total", "", "numerator", "2020-EN1:b"),
        ("gender_share", "female", "denominator", "a"),
        ("gender_share", "female", "denominator", "z"),
        ("gender_share", "female", "denominator", "é"),  # code point order, as Python's sorted
        ("gender_share", "male", "numerator", "k1"),
        ("gender_share", "male", "numerator", "k2"),
    ]
    assert all(str(ev[c].dtype) == "string" for c in ev.columns)
    assert ev.index.tolist() == list(range(7))


def test_evidence_of_one_metric_level_role_in_several_calls_is_merged_by_key(registry):
    """Keys of repeated calls interleave by key; equal keys keep the order of the calls
    (with their own key_type), as a stable sort of the concatenated rows would."""
    rows = MetricRows(registry)
    rows.evidence("application_rate", None, "denominator", ["c", "a"], "response_id")
    rows.evidence("application_rate", None, "denominator", ["b", "a", "d"], "participant_key/edition")
    ev = rows.evidence_frame()
    assert list(zip(ev["key"], ev["key_type"], strict=True)) == [
        ("a", "response_id"), ("a", "participant_key/edition"), ("b", "participant_key/edition"),
        ("c", "response_id"), ("d", "participant_key/edition")]
    empty = MetricRows(registry).evidence_frame()
    assert len(empty) == 0 and all(str(empty[c].dtype) == "string" for c in empty.columns)


def test_evidence_at_takes_positions_of_a_sorted_key_column_and_checks_both(registry):
    """evidence_at(): keys by row position in a sorted, distinct column; unsorted columns,
    decreasing positions and out-of-range positions are refused; presorted=True checks too."""
    import numpy as np
    import pyarrow as pa

    column = pa.array(["2020-EN1:a", "2020-EN1:b", "2020-EN2:a", "2020-EN2:c"])
    rows = MetricRows(registry)
    rows.evidence_at("participants_total", None, "numerator", column, np.array([0, 2, 3]), "edition:participant_key")
    rows.evidence_at("gender_share", "male", "denominator", column, [], "edition:participant_key")
    rows.evidence("gender_share", "male", "numerator", pa.array(["x", "y"]), "edition:participant_key", presorted=True)
    ev = rows.evidence_frame()
    assert ev["key"].tolist() == ["2020-EN1:a", "2020-EN2:a", "2020-EN2:c", "x", "y"]
    with pytest.raises(ValueError, match="strictly increasing"):
        rows.evidence_at("participants_total", None, "numerator", column, [2, 1], "edition:participant_key")
    with pytest.raises(ValueError, match="strictly increasing"):
        rows.evidence_at("participants_total", None, "numerator", column, [3, 4], "edition:participant_key")
    with pytest.raises(ValueError, match="distinct, sorted"):
        rows.evidence_at("participants_total", None, "numerator", pa.array(["b", "a"]), [0], "edition:participant_key")
    with pytest.raises(ValueError, match="distinct, sorted"):
        rows.evidence("gender_share", "male", "numerator", pa.array(["y", "y"]), "x", presorted=True)


def test_write_evidence_in_row_groups_gives_the_bytes_of_writing_the_frame(registry, tmp_path):
    """write_evidence() cuts row groups itself; the file equals lib.io.write_parquet of the
    whole evidence frame with the same row group size (here 3 rows, runs cut across groups)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from lib import io as lib_io

    column = pa.array([f"k{i:02d}" for i in range(10)])
    rows = MetricRows(registry)
    rows.evidence_at("participants_total", None, "numerator", column, range(10), "edition:participant_key")
    rows.evidence("gender_share", "female", "denominator", ["b", "a"], "edition:participant_key")
    rows.evidence("gender_share", "female", "denominator", ["c"], "participant_key")
    assert rows.write_evidence(tmp_path / "streamed.parquet", row_group_size=3) == 13
    lib_io.write_parquet(rows.evidence_frame(), tmp_path / "whole.parquet", row_group_size=3)
    assert (tmp_path / "streamed.parquet").read_bytes() == (tmp_path / "whole.parquet").read_bytes()
    assert pq.ParquetFile(tmp_path / "streamed.parquet").metadata.num_row_groups == 5
    empty = MetricRows(registry)
    assert empty.write_evidence(tmp_path / "empty.parquet") == 0
    assert len(lib_io.read_parquet(tmp_path / "empty.parquet")) == 0


def test_registers_parse_with_libyaml_as_with_pyyaml(tmp_path):
    """lib.registry parses with libyaml when PyYAML has it: the same documents as
    yaml.safe_load for the shipped registers, and PyYAML's own message for a broken one."""
    import yaml

    from lib.registry import yaml_load

    for path in (REG, "published/claims.yaml"):
        with open(path, encoding="utf-8") as fh:
            expected = yaml.safe_load(fh)
        with open(path, encoding="utf-8") as fh:
            assert yaml_load(fh) == expected
    broken = tmp_path / "broken.yaml"
    broken.write_text("metrics:\n  - id: a\n   kind: count\n", encoding="utf-8")
    with open(broken, encoding="utf-8") as fh, pytest.raises(yaml.YAMLError) as ours:
        yaml_load(fh)
    with open(broken, encoding="utf-8") as fh, pytest.raises(yaml.YAMLError) as theirs:
        yaml.safe_load(fh)
    assert str(ours.value) == str(theirs.value)
