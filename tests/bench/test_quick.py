"""The benchmark's quick mode runs end to end (it asserts nothing about speed), and the profile,
stage-timer, peer-quality and instruction-count commands run on the database it leaves."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def quick_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], Path]:
    work = tmp_path_factory.mktemp("bench")
    run = _module(
        "bench.run",
        *("--quick", "--processes", "2", "--http-runs", "2", "--work", str(work)),
        timeout=300,
    )
    return run, work


def test_quick_benchmark_writes_its_results(
    quick_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, _ = quick_run

    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((ROOT / "bench" / "results" / "quick.json").read_text())
    (size,) = report["sizes"]
    assert size["articles"] == 1000
    # Pooled from two worker processes; the read before the database was read through, one.
    assert size["inprocess_ms"]["n"] == size["inprocess_again_ms"]["n"] == 40
    assert len(size["inprocess_medians_ms"]) == report["inprocess_processes"] == 2
    assert size["inprocess_cold_ms"]["n"] == 20
    assert {run["errors"] for run in size["http"].values()} == {0}
    # Two load runs per worker count, each against a fresh server: their rates and all requests.
    assert report["http_runs"] == 2
    assert all(len(run["rps_runs"]) == 2 for run in size["http"].values())
    assert {run["n"] for run in size["http"].values()} == {2 * 80}
    assert all("samples_ms" not in run for run in size["http"].values())
    assert all(
        run["rps"] > 0 and run["client_cpu_ms_per_request"] > 0 for run in size["http"].values()
    )
    assert "| 1,000 |" in result.stdout
    assert size["machine_speed_ms"] > 0
    assert size["index_merge_seconds"] >= 0
    assert f"(merge {size['index_merge_seconds']:.1f} s)" in result.stdout
    assert Path(sys.executable).resolve().as_posix() in report["machine"]["interpreter"]
    assert f"interpreter {report['machine']['interpreter']}" in result.stdout
    assert "2 worker processes, pooled" in result.stdout
    assert "the median rate of 2 load runs" in result.stdout


def test_the_profiling_commands_read_the_database_it_leaves(
    quick_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, work = quick_run
    assert result.returncode == 0, result.stderr[-3000:]
    profile = ["--size", "1000", "--queries", "3", "--work", str(work)]
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


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind not installed (Debian)")
def test_instructions_are_counted_under_valgrind(
    quick_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, work = quick_run
    assert result.returncode == 0, result.stderr[-3000:]

    counted = _module(
        "bench.instructions", "--size", "1000", "--queries", "2", "--work", str(work), timeout=180
    )

    assert counted.returncode == 0, counted.stderr[-3000:]
    assert "2 first requests" in counted.stdout
    millions = float(counted.stdout.split(", ")[1].split(" M ")[0])
    assert 10 < millions < 1_000  # counted while the requests ran (about 140), not start-up


def _module(name: str, *arguments: str, timeout: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", name, *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
