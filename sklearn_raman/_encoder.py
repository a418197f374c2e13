"""The spectrum encoder's parameters, declared once: defaults, bounds, docs.

``encoding``, ``image_size``, ``n_bins`` and ``wavelet`` configure
:class:`~sklearn_raman.nn.SpectrumEncoder`, and through it the 2D nets
(:class:`~sklearn_raman.nn.SpectrumImageNet` and its subclasses), the 2D
classifiers (``LeNet2DClassifier`` ...) and
:class:`~sklearn_raman.preprocessing.SpectrumImager`. Each is declared here
once (:data:`ENCODER_PARAMS`): the signatures take their defaults from it,
:mod:`sklearn_raman.preprocessing._image` builds the scikit-learn constraints
from it, and :func:`document_encoder` writes its documentation into every
docstring that holds the ``ENCODER_PARAMETERS`` line.

It imports only the standard library and nothing else of the package, so
that both the pure-torch ``sklearn_raman.nn`` and the torch-free
``sklearn_raman.preprocessing`` can read it.
"""

from __future__ import annotations

import re
import textwrap
from typing import NamedTuple, TypeVar

#: the encodings, by name
ENCODINGS = ("gasf", "gadf", "mtf", "recurrence", "cwt", "reshape")
#: the mother wavelets of the ``"cwt"`` scalogram
WAVELETS = ("ricker", "morlet")


class EncoderParam(NamedTuple):
    """One parameter of the encoder.

    Parameters
    ----------
    default : object
        Its default, in every signature that takes it.
    annotation : str
        Its annotation, in the signatures generated from this declaration.
    type : str
        Its type as the Parameters section of a docstring writes it.
    doc : str
        Its description, one paragraph.
    minimum : int or None, default=None
        The least value of an integer parameter; None: not an integer.
    options : tuple of str or None, default=None
        The values of a parameter that takes one of a few strings.

    Examples
    --------
    >>> ENCODER_PARAMS["n_bins"].minimum
    2
    """

    default: object
    annotation: str
    type: str
    doc: str
    minimum: int | None = None
    options: tuple[str, ...] | None = None


#: the encoder's parameters, in the order of its signature. The names of
#: ``encoding`` are checked by the encoder itself, which names the unknown one.
ENCODER_PARAMS: dict[str, EncoderParam] = {
    "encoding": EncoderParam(
        "gasf",
        "str | Sequence[str]",
        "str or sequence of str",
        'How a spectrum becomes an image: ``"gasf"`` / ``"gadf"`` (Gramian '
        'Angular Summation / Difference Field), ``"mtf"`` (Markov Transition '
        'Field), ``"recurrence"`` (unthresholded recurrence plot), ``"cwt"`` '
        '(wavelet scalogram) or ``"reshape"`` (the spectrum written row by '
        "row), as defined in :class:`~sklearn_raman.nn.SpectrumEncoder`; or "
        'several of them, stacked as channels in the order given, e.g. ``("gasf", '
        '"gadf")``.',
    ),
    "image_size": EncoderParam(
        64,
        "int",
        "int",
        "Side of the square images, >= 1. The Gramian fields, the recurrence "
        "plot and the scalogram are computed on the spectrum's piecewise "
        "aggregate approximation (PAA) at ``image_size`` points: the mean of "
        "each of ``image_size`` consecutive segments or, where ``image_size`` "
        "exceeds the spectrum's length, its points repeated. The Markov "
        "Transition Field's transitions, between the spectrum's own points, "
        'are averaged over the same segments. ``"reshape"`` writes the '
        "spectrum row by row into the ``image_size²`` pixels, zero-padded or, "
        "where it has more points, reduced to them by PAA.",
        minimum=1,
    ),
    "n_bins": EncoderParam(
        8,
        "int",
        "int",
        'Quantile bins of the Markov Transition Field (``"mtf"``), >= 2: '
        "each spectrum's own quantiles. The other encodings ignore it.",
        minimum=2,
    ),
    "wavelet": EncoderParam(
        "ricker",
        "str",
        "{" + ", ".join(f'"{name}"' for name in WAVELETS) + "}",
        'Mother wavelet of the scalogram (``"cwt"``): Ricker (Mexican hat) '
        "or complex Morlet (centre frequency 5; the magnitude is kept). The "
        "other encodings ignore it.",
        options=WAVELETS,
    ),
}

#: the encoder's defaults, by name
ENCODER_DEFAULTS: dict[str, object] = {
    name: param.default for name, param in ENCODER_PARAMS.items()
}

#: the line of a docstring's Parameters section that :func:`document_encoder`
#: replaces with the encoder's parameters
PLACEHOLDER = "ENCODER_PARAMETERS"

T = TypeVar("T")
_LITERAL = re.compile(r"``.+?``")


def encoder_entries(indent: int = 4) -> str:
    """The encoder's parameters as numpydoc entries, each line indented.

    Parameters
    ----------
    indent : int, default=4
        Spaces before each entry's first line (its description has 4 more).

    Returns
    -------
    entries : str
        The entries, one after the other, with no final newline.

    Examples
    --------
    >>> print(encoder_entries(0).splitlines()[0])
    encoding : str or sequence of str, default="gasf"
    """
    entries = []
    for name, param in ENCODER_PARAMS.items():
        default = param.default
        shown = f'"{default}"' if isinstance(default, str) else repr(default)
        # an inline literal stays on one line: its spaces do not break
        doc = _LITERAL.sub(lambda m: m[0].replace(" ", "\0"), param.doc)
        body = textwrap.fill(doc, 79 - indent - 4, break_on_hyphens=False)
        body = body.replace("\0", " ")
        entries.append(
            " " * indent
            + f"{name} : {param.type}, default={shown}\n"
            + textwrap.indent(body, " " * (indent + 4))
        )
    return "\n".join(entries)


def document_encoder(obj: T, *, required: bool = True) -> T:
    """The encoder's parameters in place of an ``ENCODER_PARAMETERS`` line.

    The placeholder is a line of the Parameters section of ``obj``'s
    docstring, indented as an entry; the entries take its indentation. Used as
    a class decorator by the 2D classifiers and ``SpectrumImager``, and on the
    torch modules that take the encoder's parameters.

    Parameters
    ----------
    obj : class or function
        What to document; its ``__doc__`` is rewritten.
    required : bool, default=True
        Whether a docstring without the placeholder line is an error (else
        ``obj`` is returned as it is).

    Returns
    -------
    obj : class or function
        ``obj`` itself.

    Raises
    ------
    ValueError
        If ``required`` and ``obj``'s docstring has no placeholder line.

    Examples
    --------
    >>> @document_encoder
    ... class Imager:
    ...     \"\"\"Parameters
    ...     ----------
    ...     ENCODER_PARAMETERS
    ...     \"\"\"
    >>> print(Imager.__doc__.splitlines()[2])
        encoding : str or sequence of str, default="gasf"
    """
    lines = (obj.__doc__ or "").split("\n")
    at = [k for k, line in enumerate(lines) if line.strip() == PLACEHOLDER]
    if not at:
        if required:
            raise ValueError(f"{obj.__name__}'s docstring has no {PLACEHOLDER} line")
        return obj
    for k in at:
        lines[k] = encoder_entries(len(lines[k]) - len(lines[k].lstrip()))
    obj.__doc__ = "\n".join(lines)
    return obj
