"""docs/metrics.md is generated from the registry and kept in step with it."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts" / "tools"))

import metrics_doc  # noqa: E402


def test_doc_is_up_to_date():
    done = subprocess.run([sys.executable, "scripts/tools/metrics_doc.py", "--check"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_render_lists_every_metric_once_with_its_denominator():
    registry = {
        "a_share": {"id": "a_share", "stage": "application", "label": "A", "breakdown": None, "unit": "share",
                    "definition": "Respondents  who said\\n yes.", "numerator": "yes", "denominator": "answered",
                    "rounding": "whole per cent", "interval": "wilson_fpc", "evidence": "response_id",
                    "kind": "share", "evidence_roles": ["numerator", "denominator"], "ranked": True},
        "p_count": {"id": "p_count", "stage": "participation", "label": "P", "breakdown": "edition",
                    "unit": "count", "definition": "People.", "rounding": "integer", "interval": "none",
                    "kind": "count", "evidence_roles": ["numerator"]},
    }
    text = metrics_doc.render(registry)
    assert text.count("### `a_share`") == 1 and text.count("### `p_count`") == 1
    assert text.index("## Participation") < text.index("## Application")
    assert "| denominator | answered |" in text and "| breakdown (level) | edition |" in text
    assert "95% Wilson, finite-population corrected" in text
    assert "| kind | share |" in text and "| evidence roles | numerator, denominator |" in text
    assert "| kind | count |" in text and text.count("| ranked |") == 1
