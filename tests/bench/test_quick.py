"""The benchmark's quick mode runs end to end (it asserts nothing about speed), and the profile,
stage-timer and peer-quality commands run on the database it leaves."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_benchmark_writes_its_results(tmp_path: Path) -> None:
    result = _module("bench.run", "--quick", "--work", str(tmp_path), timeout=300)

    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((ROOT / "bench" / "results" / "quick.json").read_text())
    (size,) = report["sizes"]
    assert size["articles"] == 1000
    assert size["inprocess_ms"]["n"] == size["inprocess_again_ms"]["n"] == 20
    assert size["inprocess_cold_ms"]["n"] == 20
    assert {run["errors"] for run in size["http"].values()} == {0}
    assert all(
        run["rps"] > 0 and run["client_cpu_ms_per_request"] > 0 for run in size["http"].values()
    )
    assert "| 1,000 |" in result.stdout
    assert size["machine_speed_ms"] > 0

    profile = ["--size", "1000", "--queries", "3", "--work", str(tmp_path)]
    profiled = _module("bench.profile", *profile, timeout=120)
    assert profiled.returncode == 0, profiled.stderr[-3000:]
    assert "3 requests" in profiled.stdout
    assert "score_against_store" in profiled.stdout

    stages = _module("bench.stages", *profile, "--rounds", "1", timeout=120)
    assert stages.returncode == 0, stages.stderr[-3000:]
    assert "3 first requests" in stages.stdout
    assert "  alignment: " in stages.stdout

    peers = _module("bench.peers", *profile, timeout=120)
    assert peers.returncode == 0, peers.stderr[-3000:]
    assert "3 queries:" in peers.stdout
    assert "precision" in peers.stdout


def _module(name: str, *arguments: str, timeout: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", name, *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
