"""JCAMP-DX spectra (``.jdx``, ``.dx``, ``.jcm``): the package's own reader.

Reads ``##XYDATA=(X++(Y..Y))`` in every ASDF form (AFFN, PAC, SQZ, DIF, DUP
and their mixtures), ``##XYPOINTS=(XY..XY)`` and compound (``##BLOCKS``,
LINK) files, one spectrum per data block. Its checks are those of the
standard: the number of values equals ``##NPOINTS``, every DIF line's check
value equals the value it repeats, and each line's X lies where ``##FIRSTX``
and ``##DELTAX`` put it; a file that fails one raises naming the line.

The maintained ``jcamp`` package failed on two files of the test set (SQZ+DUP,
a DOS end-of-file byte) and reports failed checks only by printing them,
which is why the package reads JCAMP-DX itself.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ._formats import FileSpectra
from ._text import SpectrumFileError, read_text

_SQZ = {"@": 0, **{c: i + 1 for i, c in enumerate("ABCDEFGHI")}}
_SQZ.update({c: -(i + 1) for i, c in enumerate("abcdefghi")})
_DIF = {"%": 0, **{c: i + 1 for i, c in enumerate("JKLMNOPQR")}}
_DIF.update({c: -(i + 1) for i, c in enumerate("jklmnopqr")})
_DUP = {c: i + 1 for i, c in enumerate("STUVWXYZ")} | {"s": 9}
_ASDF = set(_SQZ) | set(_DIF) | set(_DUP)
_LABEL = re.compile(r"^##([^=]*)=(.*)$")
_AFFN = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)")
_AFFN_EXP = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_DIGITS = re.compile(r"\d*\.?\d*")
_X_UNITS = {
    "1/CM": ("wavenumber", "cm-1"),
    "NANOMETERS": ("wavelength", "nm"),
    "MICROMETERS": ("wavelength", "um"),
}
_Y_UNITS = {
    "TRANSMITTANCE": "transmittance",
    "ABSORBANCE": "absorbance",
    "REFLECTANCE": "reflectance",
    "KUBELKA-MUNK": "kubelka-munk",
    "COUNTS": "counts",
}


def _key(label: str) -> str:
    """A label in the standard's canonical form: upper case, no separators."""
    return re.sub(r"[\s\-/_]", "", label).upper()


def read_jcamp(path: Path) -> FileSpectra:
    """Every spectrum (data block) of a JCAMP-DX file."""
    text = read_text(path).replace("\x1a", "")  # DOS end-of-file byte
    blocks = _blocks(path, text.splitlines())
    spectra = [b for b in blocks if "data" in b]
    if not spectra:
        kinds = sorted({b["kind"] for b in blocks if "kind" in b}) or ["no data"]
        raise SpectrumFileError(
            f"{path}: JCAMP-DX file of no XYDATA / XYPOINTS block (it holds "
            f"{', '.join(kinds)})"
        )
    axes, values, metadata, names = [], [], [], []
    for block in spectra:
        axis, y = _decode(path, block)
        axes.append(axis)
        values.append(y)
        metadata.append(_metadata(block))
        names.append(block["labels"].get("TITLE", path.stem))
    for i, meta in enumerate(metadata):
        meta["index"] = i
    if len(set(names)) < len(names):
        names = [f"{name}[{i}]" for i, name in enumerate(names)]
    return FileSpectra(path, axes, values, metadata, names)


def _blocks(path: Path, lines: list[str]) -> list[dict]:
    """The data blocks of a file: labels and data lines of each (nested LINK)."""
    blocks, stack = [], []
    current, collecting = None, False
    for lineno, line in enumerate(lines, 1):
        match = _LABEL.match(line.strip())
        if match:
            label, value = _key(match.group(1)), match.group(2).strip()
            collecting = label in ("XYDATA", "XYPOINTS")
            if label == "TITLE":
                current = {"labels": {}, "start": lineno}
                stack.append(current)
            elif current is None:
                raise SpectrumFileError(
                    f"{path}, line {lineno}: JCAMP-DX label before ##TITLE"
                )
            if label == "END":
                blocks.append(stack.pop())
                current = stack[-1] if stack else None
                continue
            if label in ("XYDATA", "XYPOINTS"):
                current["kind"] = label
                current["form"] = value.replace(" ", "").upper()
                current["data"] = []
            elif label in ("PEAKTABLE", "PEAKASSIGNMENTS", "NTUPLES"):
                current["kind"] = label
                current.pop("data", None)
            else:
                current["labels"].setdefault(label, value)
        elif line.startswith("$$") or not line.strip():
            continue
        elif collecting:
            current["data"].append((lineno, line.split("$$")[0]))
    if stack:
        raise SpectrumFileError(f"{path}: a block has no ##END= (truncated file?)")
    return blocks


def _number(path: Path, block: dict, label: str, default=None) -> float:
    value = block["labels"].get(label)
    if value is None:
        if default is None:
            raise SpectrumFileError(
                f"{path}: the block at line {block['start']} has no ##{label}="
            )
        return default
    try:
        return float(value.split()[0])
    except (ValueError, IndexError):
        raise SpectrumFileError(
            f"{path}: ##{label}={value!r} (block at line {block['start']}) is no number"
        ) from None


def _decode(path: Path, block: dict) -> tuple[np.ndarray, np.ndarray]:
    xfactor = _number(path, block, "XFACTOR", 1.0)
    yfactor = _number(path, block, "YFACTOR", 1.0)
    if block["kind"] == "XYPOINTS" or block["form"] == "(XY..XY)":
        numbers = [
            float(v) for _, line in block["data"] for v in _AFFN_EXP.findall(line)
        ]
        if len(numbers) % 2:
            raise SpectrumFileError(f"{path}: XYPOINTS hold an odd number of values")
        pairs = np.asarray(numbers).reshape(-1, 2)
        return pairs[:, 0] * xfactor, pairs[:, 1] * yfactor
    if block["form"] != "(X++(Y..Y))":
        raise SpectrumFileError(f"{path}: XYDATA form {block['form']} is not read")
    first = _number(path, block, "FIRSTX")
    last = _number(path, block, "LASTX")
    n = int(_number(path, block, "NPOINTS"))
    step = (last - first) / (n - 1) if n > 1 else 0.0
    ys: list[float] = []
    check = False  # the last line ended in DIF form: its last Y is repeated
    for k, (lineno, line) in enumerate(block["data"]):
        x, line_ys, ends_in_dif = _decode_line(path, lineno, line)
        index = len(ys) - 1 if check else len(ys)  # the point X refers to
        # some writers end with a check-only line of another value (SPECFILE.DX
        # of the ISAS test set: 0): it adds no data, so it is not held against it
        closing = k == len(block["data"]) - 1 and len(line_ys) == 1 and len(ys) == n
        if check and line_ys and not closing:
            if abs(line_ys[0] - ys[-1]) > 1e-9 * max(1.0, abs(ys[-1])):
                raise SpectrumFileError(
                    f"{path}, line {lineno}: DIF check value {line_ys[0]:g} "
                    f"differs from the value it repeats ({ys[-1]:g})"
                )
        if check:
            line_ys = line_ys[1:]
        expected = first + index * step
        if step and abs(x * xfactor - expected) > abs(step):
            raise SpectrumFileError(
                f"{path}, line {lineno}: X = {x * xfactor:g}, but ##FIRSTX and "
                f"##NPOINTS put value {index + 1} at {expected:g}"
            )
        ys.extend(line_ys)
        check = ends_in_dif
    if len(ys) != n:
        raise SpectrumFileError(
            f"{path}: {len(ys)} values in the block at line {block['start']}, "
            f"but ##NPOINTS={n}"
        )
    return first + step * np.arange(n), np.asarray(ys) * yfactor


def _decode_line(path: Path, lineno: int, line: str):
    """X, the Y values and whether the line ends in DIF form, for one data line."""
    text = line.strip()
    compressed = any(c in _ASDF and c not in "Ee" for c in text)
    match = (_AFFN if compressed else _AFFN_EXP).match(text)
    if match is None:
        raise SpectrumFileError(f"{path}, line {lineno}: no X value: {line.strip()!r}")
    x = float(match.group(0))
    ys: list[float] = []
    last_dif, pos = None, match.end()
    number = _AFFN if compressed else _AFFN_EXP
    while pos < len(text):
        c = text[pos]
        if c in " ,\t;":
            pos += 1
            continue
        digits = _DIGITS.match(text, pos + 1).group(0)
        if c in _SQZ:
            ys.append(_join(_SQZ[c], digits))
            last_dif = None
            pos += 1 + len(digits)
        elif c in _DIF:
            if not ys:
                raise SpectrumFileError(f"{path}, line {lineno}: DIF before a value")
            last_dif = _join(_DIF[c], digits)
            ys.append(ys[-1] + last_dif)
            pos += 1 + len(digits)
        elif c in _DUP:
            if not ys:
                raise SpectrumFileError(f"{path}, line {lineno}: DUP before a value")
            for _ in range(int(f"{_DUP[c]}{digits}") - 1):
                ys.append(ys[-1] + last_dif if last_dif is not None else ys[-1])
            pos += 1 + len(digits)
        elif c == "?":
            raise SpectrumFileError(f"{path}, line {lineno}: a missing value ('?')")
        else:
            found = number.match(text, pos)
            if found is None:
                raise SpectrumFileError(
                    f"{path}, line {lineno}: unexpected character {c!r} in "
                    f"{line.strip()!r}"
                )
            ys.append(float(found.group(0)))
            last_dif = None
            pos = found.end()
    return x, ys, last_dif is not None


def _join(lead: int, digits: str) -> float:
    """A SQZ / DIF pseudo-digit and the digits after it, as a number."""
    magnitude = float(f"{abs(lead)}{digits}") if digits else float(abs(lead))
    return -magnitude if lead < 0 else magnitude


def _metadata(block: dict) -> dict:
    labels = block["labels"]
    xunits = labels.get("XUNITS", "").upper()
    yunits = labels.get("YUNITS", "").upper()
    raman = "RAMAN" in labels.get("DATATYPE", "").upper()
    x_kind, x_unit = _X_UNITS.get(xunits, ("other", xunits or None))
    if raman and x_kind == "wavenumber":
        x_kind = "raman_shift"
    meta = {"x_kind": x_kind, "x_unit": x_unit}
    meta["y_kind"] = next(
        (kind for word, kind in _Y_UNITS.items() if word in yunits), "arbitrary"
    )
    if "%" in yunits or "PERCENT" in yunits:
        meta["y_unit"] = "%"
    for label, key in (("TITLE", "title"), ("SPECTROMETERDATASYSTEM", "instrument")):
        if labels.get(label):
            meta[key] = labels[label]
    return meta
