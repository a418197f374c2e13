"""Every public docstring passes the numpydoc rules of the documentation build.

The rules are docs/conf.py's (``DOCSTRING_CHECKS`` on every public class,
function, method and property; ``API_CHECKS`` on public classes and functions
only; ``ESTIMATOR_SECTIONS`` on every estimator), read from that file so that
the build and this test cannot drift apart. One test per public name of the
package; a method is checked once, under the class that defines it.
"""

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

numpydoc_validate = pytest.importorskip("numpydoc.validate")
from numpydoc.docscrape import get_doc_object  # noqa: E402
from sklearn.base import BaseEstimator  # noqa: E402

import sklearn_raman  # noqa: E402
from sklearn_raman._registry import DEEP_CLASSIFIERS  # noqa: E402

CONF = Path(__file__).resolve().parents[1] / "docs" / "conf.py"
# the command line's modules: documented by ``--help``, not in the API reference
NOT_API = {"cli"}


def _rules() -> dict:
    """Run the assignments of the rules in docs/conf.py (literals, no imports)."""
    names = {"DOCSTRING_CHECKS", "API_CHECKS", "ESTIMATOR_SECTIONS"}
    body = [
        node
        for node in ast.parse(CONF.read_text()).body
        if isinstance(node, ast.Assign)
        and {getattr(target, "id", None) for target in node.targets} & names
    ]
    namespace = {"__builtins__": {}}
    exec(compile(ast.Module(body, type_ignores=[]), str(CONF), "exec"), namespace)
    return {name: namespace[name] for name in names}


RULES = _rules()


def _public_modules() -> list[str]:
    """The package's public modules (each one's ``__all__`` is its API)."""
    return sorted(
        info.name
        for info in pkgutil.iter_modules(sklearn_raman.__path__)
        if not info.name.startswith("_") and info.name not in NOT_API
    )


def _public_objects() -> dict[str, object]:
    """Label -> public class or function, each object once, the first label kept."""
    found, seen = {}, set()
    sources = [f"sklearn_raman.{name}" for name in _public_modules()]
    for module_name in [*sources, "sklearn_raman"]:
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if (inspect.isclass(obj) or inspect.isfunction(obj)) and id(
                obj
            ) not in seen:
                seen.add(id(obj))
                found[f"{module_name.removeprefix('sklearn_raman.')}.{name}"] = obj
    return found


def _members(cls: type) -> dict[str, tuple[type, object]]:
    """Public methods and properties of ``cls`` defined in the package, by name."""
    members = {}
    for klass in cls.__mro__:
        for name, member in vars(klass).items():
            if name.startswith("_") or name in members:
                continue
            # the first in the MRO is what the attribute resolves to
            members[name] = (klass, getattr(member, "__func__", member))
    return {
        name: (klass, member)
        for name, (klass, member) in members.items()
        if klass.__module__.startswith("sklearn_raman")
        and (inspect.isfunction(member) or isinstance(member, property))
    }


def _cases() -> dict[str, list[tuple[str, object, str]]]:
    """Label of a public name -> the (name, object, kind) its test validates.

    A method goes to the public class that defines it, or, where a private base
    defines it, to the first public class (in label order) that inherits it.
    """
    objects = _public_objects()
    labels = {id(obj): label for label, obj in objects.items()}
    cases = {label: [(label, obj, "api")] for label, obj in objects.items()}
    done = set()
    for label, obj in sorted(objects.items()):
        if not inspect.isclass(obj):
            continue
        for name, (klass, member) in _members(obj).items():
            if id(member) in done:
                continue
            done.add(id(member))
            owner = labels.get(id(klass), label)
            where = "" if id(klass) in labels else f" (of {klass.__module__})"
            cases[owner].append((f"{owner}.{name}{where}", member, "member"))
    return cases


CASES = _cases()


def _errors(obj: object, kind: str) -> list[tuple[str, str]]:
    """(code, message) of every rule that ``obj``'s docstring breaks."""
    doc = get_doc_object(obj, config={"show_class_members": False})
    checks = set(RULES["DOCSTRING_CHECKS"])
    if kind == "api":
        checks |= set(RULES["API_CHECKS"])
    errors = [
        err for err in numpydoc_validate.validate(doc)["errors"] if err[0] in checks
    ]
    if kind == "api" and inspect.isclass(obj) and issubclass(obj, BaseEstimator):
        errors += [
            (section, f"No {section} section found (the estimator's fitted state)")
            for section in RULES["ESTIMATOR_SECTIONS"]
            if not doc[section]
        ]
    return errors


def test_rules_are_numpydoc_codes():
    codes = set(numpydoc_validate.ERROR_MSGS)
    assert {"PR01", "PR02", "RT01"} <= set(RULES["DOCSTRING_CHECKS"]) <= codes
    assert set(RULES["API_CHECKS"]) == {"EX01"}
    assert RULES["ESTIMATOR_SECTIONS"] == ["Attributes"]


def test_the_rules_catch_what_they_are_for():
    class Estimator(BaseEstimator):
        """Hold a value.

        Parameters
        ----------
        value : int
            The value.
        **kwargs : dict
            Not in the signature.
        """

        def __init__(self, value=0):
            self.value = value

        def double(self, factor):
            """Double the value."""
            return 2 * self.value * factor

    codes = {code for code, _ in _errors(Estimator, "api")}
    assert codes == {"PR02", "EX01", "Attributes"}
    assert {code for code, _ in _errors(Estimator.double, "member")} == {"PR01", "RT01"}


def test_every_public_module_has_an_api():
    missing = [
        name
        for name in _public_modules()
        if not hasattr(importlib.import_module(f"sklearn_raman.{name}"), "__all__")
    ]
    assert not missing, f"public modules without __all__: {missing}"
    found = {label.split(".")[0] for label in CASES}
    assert {"datasets", "preprocessing", "neural", "nn", "plotting"} <= found


def test_api_reference_lists_every_public_name():
    # the docs build validates what docs/api.rst lists: all of it, then
    api = (CONF.parent / "api.rst").read_text()
    listed = set(re.findall(r"^ {3}([a-z_]+\.\w+)$", api, flags=re.MULTILINE))
    listed |= {f"neural.{entry.name}" for entry in DEEP_CLASSIFIERS}
    public = {
        f"{name}.{attr}"
        for name in _public_modules()
        for attr in getattr(
            importlib.import_module(f"sklearn_raman.{name}"), "__all__", ()
        )
    }
    assert not public - listed, f"not in docs/api.rst: {sorted(public - listed)}"
    assert not listed - public, f"not public: {sorted(listed - public)}"


@pytest.mark.parametrize("label", sorted(CASES))
def test_docstring(label):
    failures = [
        f"sklearn_raman.{name}: "
        + "; ".join(f"{code} {message}" for code, message in errors)
        for name, obj, kind in CASES[label]
        if (errors := _errors(obj, kind))
    ]
    assert not failures, "\n".join(failures)
