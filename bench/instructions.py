"""Instructions a story's first /score request executes: `python -m bench.instructions --size
100000 [--queries 30]`.

Scores the benchmark's queries against a database `bench.run` left, each as its story's first
request (as `bench.stages` does), in a process run under valgrind's callgrind (Debian package
`valgrind`) that counts instructions only while those requests run. The count moves by a fraction
of a percent between runs of the same code, where this machine's wall clock moves by a third
between minutes: compare two versions of the code by it (run each from its own checkout), and
quote speed from the benchmark. It counts work, not time: waits for the disk and cache misses
are not in it. A run takes about a minute at 30 queries (valgrind runs Python some 50 times
slower).
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import corpus
from bench.profile import Scorer
from bench.run import _queries, parser_on_results, results_database

# Set in the process valgrind runs: it scores the queries written to this file.
_QUERIES_FILE = "CROSSCHECK_BENCH_QUERIES_FILE"
_COLLECTED = re.compile(r"Collected : (\d+)")


def main(argv: list[str] | None = None) -> int:
    parser = parser_on_results(__doc__)
    args = parser.parse_args(argv)
    database = results_database(parser, args)
    if _QUERIES_FILE in os.environ:
        _score_counted(database, json.loads(Path(os.environ[_QUERIES_FILE]).read_text()))
        return 0
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        parser.error("valgrind is not installed (Debian package `valgrind`)")
    queries = _queries(list(corpus.generate(args.size)), 60)[: args.queries]
    count = _count(sys.argv[1:] if argv is None else argv, queries)
    print(f"{len(queries)} first requests, {count / len(queries) / 1e6:.1f} M instructions each")
    return 0


def _count(argv: list[str], queries: list[dict[str, object]]) -> int:
    """Instructions callgrind collected while this module, run again under it, scored the
    queries (generated here: generating the corpus under valgrind would take minutes)."""
    with tempfile.TemporaryDirectory() as folder:
        asked = Path(folder) / "queries.json"
        asked.write_text(json.dumps(queries))
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={Path(folder) / 'callgrind.out'}",
            sys.executable,
            "-m",
            "bench.instructions",
            *argv,
        ]
        # A fixed hash seed: the order of sets of strings, and so the work, is the same each run.
        environment = {**os.environ, _QUERIES_FILE: str(asked), "PYTHONHASHSEED": "0"}
        run = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    found = _COLLECTED.search(run.stderr)
    if run.returncode != 0 or found is None:
        raise SystemExit(f"the counted run failed:\n{run.stderr[-3000:]}")
    return int(found.group(1))


def _score_counted(database: Path, queries: list[dict[str, object]]) -> None:
    """Score the queries as their stories' first requests, counting only them."""
    scorer = Scorer.of(database, queries)
    scorer.forget_term_counts()
    _instrument("on")
    for request in scorer.requests:
        scorer.forget_peers()
        scorer.score(request)
    _instrument("off")
    scorer.close()


def _instrument(state: str) -> None:
    subprocess.run(
        ["callgrind_control", "--instr=" + state, str(os.getpid())],
        capture_output=True,
        check=True,
    )


if __name__ == "__main__":
    raise SystemExit(main())
