"""Sphinx configuration of the sklearn_raman documentation."""

import importlib
import inspect
import os
import pkgutil
import re
import warnings
from pathlib import Path

from numpydoc.docscrape import get_doc_object
from numpydoc.validate import validate
from sklearn.base import BaseEstimator
from sphinx.util import logging

import sklearn_raman
from sklearn_raman._registry import DEEP_CLASSIFIERS

os.environ.setdefault("MPLBACKEND", "Agg")
# examples run on the CPU with one thread each: quick and reproducible
os.environ.setdefault("OMP_NUM_THREADS", "1")

project = "sklearn_raman"
author = "sklearn_raman developers"
copyright = "2026, sklearn_raman developers"
release = sklearn_raman.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = [
    "_build",
    "**.ipynb_checkpoints",
    "auto_examples/*.py",
    "_deep_classifiers.rst",  # included by api.rst
]
templates_path = ["_templates"]

# the API pages, and the deep classifiers' list that api.rst includes
autosummary_generate = ["api.rst", "_deep_classifiers.rst"]
autodoc_default_options = {"members": True, "inherited-members": False}
autodoc_typehints = "none"  # numpydoc's parameter lists say it
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

# The docstring rules. tests/test_docstrings.py runs these three assignments of
# this file (literals only), so the docs build and the test suite enforce one list.
# Left out: ES01 (extended summary), SA01 (See Also), RT02 (a single returned
# value is named here, ``X_new : ndarray``), and SS05, whose "ends in s"
# heuristic flags only some of the noun-phrase summaries ("Names of the kept
# columns.") this package writes. Every callable autodoc documents is checked:
# functions, classes, their methods and properties.
DOCSTRING_CHECKS = """
    GL01 GL02 GL03 GL05 GL06 GL07 GL08 GL09 GL10 SS01 SS02 SS03 SS04 SS06
    PR01 PR02 PR03 PR04 PR05 PR06 PR07 PR08 PR09 PR10 RT01 RT03 RT04 RT05 YD01
""".split()
# numpydoc would ask these of every method too: here only of the public
# classes and functions (see _check_classes_and_functions below)
API_CHECKS = ["EX01"]
# docstring sections every estimator (a BaseEstimator subclass) must have
ESTIMATOR_SECTIONS = ["Attributes"]
numpydoc_validation_checks = set(DOCSTRING_CHECKS)


def _data_names() -> set[str]:
    """Full names of the public constants and data attributes of public classes.

    numpydoc's rules are for callables, and autodoc gives a constant without a
    ``#:`` comment its type's docstring (``dict``'s): these are not validated.
    """
    names = set()
    for info in pkgutil.iter_modules(sklearn_raman.__path__, "sklearn_raman."):
        if info.name.rpartition(".")[2].startswith("_"):
            continue
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if not callable(obj):
                names.add(f"{info.name}.{name}")
            elif inspect.isclass(obj):
                names.update(
                    f"{info.name}.{name}.{attr}"
                    for klass in obj.__mro__
                    if klass.__module__.startswith("sklearn_raman")
                    for attr, value in vars(klass).items()
                    if not attr.startswith("_")
                    and not isinstance(value, property)
                    and not callable(getattr(obj, attr))
                )
    return names


numpydoc_validation_exclude = {f"^{re.escape(name)}$" for name in _data_names()}

myst_heading_anchors = 3
suppress_warnings = ["myst.header"]

html_theme = "pydata_sphinx_theme"
html_title = f"sklearn_raman {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "abort_on_example_error": True,
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "matplotlib_animations": False,
    "plot_gallery": os.environ.get("SPHX_PLOT_GALLERY", "True"),
}

warnings.filterwarnings("ignore", category=UserWarning, message=".*non-GUI backend.*")

# the API list of the deep classifiers comes from the package's one registry
Path(__file__).with_name("_deep_classifiers.rst").write_text(
    ".. currentmodule:: sklearn_raman\n\n"
    ".. autosummary::\n   :toctree: generated\n   :nosignatures:\n\n"
    + "".join(f"   neural.{entry.name}\n" for entry in DEEP_CLASSIFIERS)
)


def _skip_sklearn_plumbing(app, what, name, obj, skip, options):
    """Leave out scikit-learn's generated metadata-routing setters."""
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return skip


_logger = logging.getLogger(__name__)


def _check_classes_and_functions(app, what, name, obj, options, lines):
    """Warn (an error under ``-W``) on the rules numpydoc cannot scope by kind."""
    if what not in ("class", "exception", "function"):
        return
    if not name.startswith("sklearn_raman.") or name.rpartition(".")[2][0] == "_":
        return
    # the object's own docstring: numpydoc has rendered ``lines`` by now
    doc = get_doc_object(obj, config={"show_class_members": False})
    errors = [err for err in validate(doc)["errors"] if err[0] in API_CHECKS]
    if inspect.isclass(obj) and issubclass(obj, BaseEstimator):
        errors += [
            (section, f"No {section} section found (the estimator's fitted state)")
            for section in ESTIMATOR_SECTIONS
            if not doc[section]
        ]
    if errors:
        _logger.warning(
            f"[numpydoc] Validation warnings while processing docstring for {name!r}:\n"
            + "".join(f"  {code}: {message}\n" for code, message in errors)
        )


def setup(app):
    app.connect("autodoc-skip-member", _skip_sklearn_plumbing)
    app.connect("autodoc-process-docstring", _check_classes_and_functions)
