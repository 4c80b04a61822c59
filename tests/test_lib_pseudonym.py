import hashlib
import hmac
from pathlib import Path

import pandas as pd
import pytest

from lib import pseudonym


def test_normalise_email_str_and_series():
    assert pseudonym.normalise_email("  Ana.Perez@Mail.COM ") == "ana.perez@mail.com"
    s = pd.Series([" A@B.org", None, "x@y.z"])
    out = pseudonym.normalise_email(s)
    assert out.tolist()[0] == "a@b.org" and pd.isna(out[1]) and out[2] == "x@y.z"


def test_keyed_hash_is_hmac_sha256_hex():
    salt = b"0123456789abcdef-salt"
    expected = hmac.new(salt, b"a@b.org", hashlib.sha256).hexdigest()
    assert pseudonym.keyed_hash("a@b.org", salt) == expected
    s = pseudonym.keyed_hash(pd.Series(["a@b.org", None], index=[5, 7]), salt)
    assert s.index.tolist() == [5, 7] and s[5] == expected and pd.isna(s[7])
    assert pseudonym.keyed_hash(["a@b.org"], salt) == [expected]


def test_same_person_same_key_other_salt_other_key():
    salt = b"s" * 16
    a = pseudonym.keyed_hash(pseudonym.normalise_email(" A@B.org "), salt)
    b = pseudonym.keyed_hash(pseudonym.normalise_email("a@b.ORG"), salt)
    c = pseudonym.keyed_hash("a@b.org", b"t" * 16)
    assert a == b != c
    assert len(a) == 64 and "a@b" not in a


def test_salt_path_env_wins():
    assert pseudonym.salt_path("cfg.txt", {}) == "cfg.txt"
    assert pseudonym.salt_path("cfg.txt", {"IMPACT_STORY_SALT_FILE": "/secret/salt"}) == "/secret/salt"
    assert pseudonym.salt_path("cfg.txt", {"IMPACT_STORY_SALT_FILE": "  "}) == "cfg.txt"


def test_read_salt(tmp_path):
    p = tmp_path / "salt.txt"
    p.write_bytes(b"a-long-enough-private-salt\n")
    assert pseudonym.read_salt(p) == b"a-long-enough-private-salt"
    p.write_bytes(b"short\n")
    with pytest.raises(ValueError, match="at least 16"):
        pseudonym.read_salt(p)
    with pytest.raises(ValueError, match="not found"):
        pseudonym.read_salt(tmp_path / "missing.txt")


# ----------------------------------------------------------------------------- salt checks (issue 14)
ROOT = Path(__file__).resolve().parents[1]
MAKE = 'python3 -c "import secrets; print(secrets.token_hex(32))" > private/salt.txt'


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "is empty"),
        (b"  \n", "is empty"),
        (b"short\n", "holds 5 bytes; use at least 16"),
        ("0123456789abcdef0123456789abcdef\n".encode("utf-16"), "is UTF-16 text"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00secret-spreadsheet", "is not text"),
        (b"\x9a\x10\xfe\x01" * 8, "is not text"),
    ],
)
def test_salt_of_the_wrong_form_is_a_message_naming_the_file_not_the_salt(tmp_path, content, expected):
    p = tmp_path / "salt.txt"
    p.write_bytes(content)
    with pytest.raises(pseudonym.SaltError) as err:
        pseudonym.read_salt(p)
    message = str(err.value)
    assert f"salt file {str(p)!r}" in message and expected in message and MAKE in message
    assert "secret" not in message.replace("secrets", "")  # the content is never quoted


def test_salt_missing_or_a_directory(tmp_path):
    with pytest.raises(pseudonym.SaltError, match="not found .*IMPACT_STORY_SALT_FILE"):
        pseudonym.read_salt(tmp_path / "missing.txt")
    with pytest.raises(pseudonym.SaltError, match="is not a file"):
        pseudonym.read_salt(tmp_path)


def test_text_salts_of_any_line_ending_are_accepted(tmp_path):
    p = tmp_path / "salt.txt"
    for raw in (b"0123456789abcdef0123\r\n", "\ufeffclé-privée-0123456789".encode(), b"tab\tseparated-salt-value"):
        p.write_bytes(raw)
        assert pseudonym.read_salt(p) == raw.rstrip()


def test_demo_salt_is_recognised_by_content(tmp_path):
    demo = pseudonym.read_salt(ROOT / "resources/demo-salt.txt")
    assert pseudonym.is_demo_salt(demo)
    assert not pseudonym.is_demo_salt(demo + b"x")


def test_the_pin_of_the_shipped_checksum_list_is_current():
    """raw/ regenerated (`make data`)? Then set SHIPPED_SUMS_SHA256 in scripts/lib/pseudonym.py
    to the sha256 of the new raw/SHA256SUMS, or the demo salt is refused on the default data."""
    actual = hashlib.sha256((ROOT / "raw/SHA256SUMS").read_bytes()).hexdigest()
    assert actual == pseudonym.SHIPPED_SUMS_SHA256


@pytest.fixture
def shipped_copy(tmp_path, monkeypatch):
    """A workspace with the shipped raw/SHA256SUMS and two of its exports, cwd there."""
    for rel in ("raw/SHA256SUMS", "raw/lms/2020-EN1/participants.csv", "raw/survey/followup-2020.csv"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes((ROOT / rel).read_bytes())
    (tmp_path / "resources").mkdir()
    (tmp_path / "resources/demo-salt.txt").write_bytes((ROOT / "resources/demo-salt.txt").read_bytes())
    monkeypatch.chdir(tmp_path)
    return tmp_path


EXPORTS = ["raw/lms/2020-EN1/participants.csv", "raw/survey/followup-2020.csv", "raw/lms/2020-EN1/missing.csv"]


def test_demo_salt_on_the_shipped_data_is_accepted(shipped_copy):
    assert pseudonym.not_shipped_data(EXPORTS) == []
    pseudonym.check_salt("resources/demo-salt.txt", EXPORTS)


def test_demo_salt_on_altered_or_other_data_stops_unless_allowed(shipped_copy, tmp_path_factory):
    with open("raw/lms/2020-EN1/participants.csv", "ab") as fh:
        fh.write(b"someone,Real,Person,real.person@example.net,Peru,,,,Student,Active,\n")
    elsewhere = tmp_path_factory.mktemp("exports") / "participants.csv"
    elsewhere.write_text("x\n")
    exports = [*EXPORTS, str(elsewhere)]
    assert pseudonym.not_shipped_data(exports) == [
        f"{elsewhere} is not a file of the shipped synthetic data (it is outside raw/)",
        "raw/lms/2020-EN1/participants.csv differs from the shipped synthetic data (raw/SHA256SUMS)",
    ]
    with pytest.raises(pseudonym.SaltError) as err:
        pseudonym.check_salt("resources/demo-salt.txt", exports)
    message = str(err.value)
    assert "salt file 'resources/demo-salt.txt' is the public demo salt" in message
    assert "(and 1 more)" in message and MAKE in message and "privacy.allow_demo_salt: true" in message
    assert "real.person" not in message
    pseudonym.check_salt("resources/demo-salt.txt", exports, allow_demo=True)  # the explicit opt-in
    Path("own-salt.txt").write_text("0123456789abcdef0123456789abcdef\n")
    pseudonym.check_salt("own-salt.txt", exports)  # an own salt: any data


def test_a_checksum_list_written_for_other_exports_is_not_the_shipped_one(shipped_copy):
    """An analyst may write raw/SHA256SUMS for real exports (for the audit): it matches its
    files, but it is not the list shipped with the synthetic data."""
    body = Path("raw/lms/2020-EN1/participants.csv").read_bytes() + b"x\n"
    Path("raw/lms/2020-EN1/participants.csv").write_bytes(body)
    Path("raw/SHA256SUMS").write_text(f"{hashlib.sha256(body).hexdigest()}  lms/2020-EN1/participants.csv\n")
    assert pseudonym.not_shipped_data(EXPORTS) == [
        "raw/SHA256SUMS is not the checksum list shipped with the synthetic data"
    ]
    Path("raw/SHA256SUMS").unlink()
    assert pseudonym.not_shipped_data(EXPORTS) == ["raw/SHA256SUMS is missing"]
