"""The README quickstart and every example script run as written.

The gallery examples run in the documentation build (``.ci/run`` builds it with
every example executed and its figures checked), so here they are marked
``slow``: ``python -m pytest -m slow tests/test_examples.py`` runs them too.
"""

import re
import runpy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("plot_*.py"))
#: packages of the optional extras (plot, dask, interpret)
OPTIONAL = {"matplotlib", "dask", "distributed", "captum"}
IMPORT = re.compile(r"^\s*(?:from|import)\s+([\w.]+)", re.M)


def skip_unless_importable(path: Path) -> None:
    """Skip (not fail) when an optional package the example imports is absent."""
    for module in IMPORT.findall(path.read_text()):
        if module.split(".")[0] in OPTIONAL:
            pytest.importorskip(module)


def test_readme_quickstart(capsys):
    text = (ROOT / "README.md").read_text()
    block = re.search(r"## Quickstart\n\n```python\n(.*?)```", text, re.S).group(1)
    exec(compile(block, "README.md", "exec"), {})
    assert float(capsys.readouterr().out.strip()) > 0.9


@pytest.mark.slow
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(path, monkeypatch):
    skip_unless_importable(path)
    import matplotlib

    matplotlib.use("Agg")
    monkeypatch.chdir(path.parent)
    runpy.run_path(str(path), run_name="__main__")
    import matplotlib.pyplot as plt

    plt.close("all")


def test_an_example_skips_without_its_optional_package(monkeypatch):
    import sys

    dask_example = ROOT / "examples" / "plot_dask_grid_search.py"
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    with pytest.raises(pytest.skip.Exception, match="dask.distributed"):
        skip_unless_importable(dask_example)
