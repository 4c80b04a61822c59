import hashlib
import hmac

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
