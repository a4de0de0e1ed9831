"""The soak run works end to end: a tiny corpus, two seconds (nothing asserted about speed)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_soak_drives_the_real_server_and_reports(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "bench.soak", "--duration", "2", "--rate", "5"]
    command += ["--articles", "30", "--workers", "1", "--sample-every", "0.5"]
    command += ["--work", str(tmp_path / "work"), "--results", str(tmp_path)]
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=180, check=False
    )

    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((tmp_path / "soak-latest.json").read_text())
    assert report["requests"] == 10
    assert report["errors_total"] == 0
    assert sum(kind["sent"] for kind in report["kinds"].values()) == 10
    assert report["memory"]["total_mb"]["start"] > 0
    assert len(report["memory"]["samples"]) >= 2
    assert "| score |" in (tmp_path / "soak-latest.md").read_text()
