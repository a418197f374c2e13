"""Sphinx configuration of the sklearn_raman documentation."""

import os
import warnings
from pathlib import Path

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


def setup(app):
    app.connect("autodoc-skip-member", _skip_sklearn_plumbing)
