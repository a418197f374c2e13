"""The generated part of the deep classifiers' docstrings.

A classifier's ``__init__`` is generated (:func:`~._params.declare`): it takes
the network parameters the class exposes and every training parameter. Its
docstring documents the network parameters and the training defaults it
changes; :func:`document` adds an entry for every other training parameter,
from :data:`~._params.TRAINING_DOCS` with the class's own default, in the
order of the signature, and the shared ``Attributes`` section where the class
has none. So each docstring lists exactly the parameters of its signature.
"""

from __future__ import annotations

import inspect
import textwrap

#: the fitted attributes every deep classifier has
ATTRIBUTES = """\
classes_ : ndarray of shape (n_classes,)
    Class labels.
n_features_in_ : int
    Number of points per spectrum seen in fit.
net_ : skorch.NeuralNetClassifier
    The fitted skorch net; ``net_.module_.net`` is the torch network.
history_ : skorch.History
    Per-epoch training history (losses, validation accuracy, durations).
device_ : str
    The device trained on."""

_WIDTH = 79


def format_default(value) -> str:
    """A default as the docstring writes it (``1e-4``, ``"adam"``, ``None``)."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, float) and value and abs(value) < 1e-3:
        short = f"{value:.0e}".replace("e-0", "e-")
        if float(short) == value:
            return short
    return repr(value)


def _sections(lines: list[str]) -> list[tuple[int, str]]:
    """``(line index, title)`` of each numpydoc section header."""
    return [
        (i, lines[i].strip())
        for i in range(len(lines) - 1)
        if lines[i].strip()
        and len(lines[i + 1].strip()) >= 3
        and set(lines[i + 1].strip()) == {"-"}
    ]


def _chunks(body: list[str], indent: str) -> list[tuple[list[str], list[str]]]:
    """The entries of a Parameters section: ``(names, lines)``.

    An entry starts at a line of the section's indentation: ``name : type``
    (or ``a, b : type``), or other text, kept as it is with no name (a
    placeholder another decorator fills in, e.g. the 2D nets' encoder
    parameters; or ``**kwargs``).
    """
    chunks: list[tuple[list[str], list[str]]] = []
    for line in body:
        head = line[len(indent) :]
        if line.startswith(indent) and head and not head[0].isspace():
            spec = head.split(" : ")[0] if " : " in head else ""
            names = [n.strip() for n in spec.split(",") if n.strip()]
            chunks.append((names, [line]))
        elif chunks:
            chunks[-1][1].append(line)
    return chunks


def _entry(name: str, default, indent: str) -> list[str]:
    kind, text = _docs()[name]
    inner = indent + " " * 4
    head = f"{indent}{name} : {kind}, default={format_default(default)}"
    wrapped = textwrap.wrap(
        text, _WIDTH, initial_indent=inner, subsequent_indent=inner,
        break_long_words=False, break_on_hyphens=False,
    )  # fmt: skip
    return [head, *wrapped]


def _docs() -> dict:
    from ._params import TRAINING_DOCS  # _params imports this module

    return TRAINING_DOCS


def document(cls) -> None:
    """Complete the Parameters (and Attributes) sections of ``cls.__doc__``.

    Entries the class writes are kept; the training parameters it does not
    write are added after the parameter before them in the signature (in a
    Parameters section of their own where the class has none). An
    entry of a name that is not a parameter raises (``**kwargs`` is dropped:
    the generated signature has none, every parameter it stood for is listed).

    Parameters
    ----------
    cls : type
        A deep classifier class with its generated ``__init__``.

    Raises
    ------
    TypeError
        If the docstring documents a parameter the signature does not have.
    """
    doc = cls.__dict__.get("__doc__")
    if not doc:
        return
    lines = doc.split("\n")
    sections = _sections(lines)
    titles = [title for _, title in sections]
    if "Parameters" not in titles:  # a section of its own, before the first
        at = sections[0][0] if sections else len(lines)
        indent = " " * 4
        lines[at:at] = [f"{indent}Parameters", f"{indent}----------", ""]
        sections = _sections(lines)
        titles = [title for _, title in sections]
    k = titles.index("Parameters")
    start = sections[k][0]
    end = sections[k + 1][0] if k + 1 < len(sections) else len(lines)
    indent = lines[start][: len(lines[start]) - len(lines[start].lstrip())]
    body = lines[start + 2 : end]
    tail = []  # the blank lines before the next section
    while body and not body[-1].strip():
        tail.insert(0, body.pop())
    chunks = [c for c in _chunks(body, indent) if not c[1][0].strip().startswith("*")]
    signature = inspect.signature(cls).parameters
    documented = {name for names, _ in chunks for name in names}
    phantom = sorted(documented - set(signature))
    if phantom:
        raise TypeError(
            f"{cls.__name__}'s docstring documents {phantom[0]!r}, which is not "
            "a parameter of its signature"
        )
    training = _docs()
    cursor = 0
    for name, param in signature.items():
        where = [i for i, (names, _) in enumerate(chunks) if name in names]
        if where:
            cursor = where[0] + 1
        elif name in training:
            chunks.insert(cursor, ([name], _entry(name, param.default, indent)))
            cursor += 1
    new_body = [line for _, chunk in chunks for line in chunk]
    extra = []
    if "Attributes" not in titles:
        extra = [
            "",
            f"{indent}Attributes",
            f"{indent}----------",
            *textwrap.indent(ATTRIBUTES, indent).split("\n"),
        ]
    cls.__doc__ = "\n".join(
        [*lines[: start + 2], *new_body, *extra, *tail, *lines[end:]]
    )
