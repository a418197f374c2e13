"""What an identification found, per spectrum: records, a table, a CSV."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass

import numpy as np


def _plain(value):
    """A NumPy scalar as the Python value (labels in records and CSVs)."""
    return value.item() if isinstance(value, np.generic) else value


@dataclass
class IdentificationResult:
    """Per spectrum: verdict, known-ness, prediction set and best matches.

    Made by :meth:`SpectrumIdentifier.identify`; the arrays hold one row per
    spectrum, in the order given.

    Parameters
    ----------
    files : list of str
        The file (or given name) of each spectrum.
    names : list of str
        The spectrum's own name (from its file's metadata, else the file stem).
    X : ndarray of shape (n_spectra, n_points)
        The spectra preprocessed onto the model's grid.
    classes : ndarray of shape (n_classes,)
        The known materials.
    alpha : float
        Miss rate of the prediction sets.
    novelty_score : str
        Name of the known-ness score.
    threshold : float
        Unknown below it.
    top_classes : ndarray of shape (n_spectra, top)
        Best matches, best first.
    top_scores : ndarray of shape (n_spectra, top)
        Their scores (``score_kind``).
    score_kind : {"probability", "decision"}
        Probabilities where the model has them, else decision scores.
    novelty : ndarray of shape (n_spectra,)
        Known-ness score of each spectrum.
    verdicts : ndarray of shape (n_spectra,)
        The material, or the unknown label where ``novelty < threshold``.
    prediction_sets : ndarray of shape (n_spectra, n_classes) of bool or None
        Conformal prediction sets (classes that cannot be ruled out, if the
        spectrum is of a known class; empty: none fits); None for models
        without probabilities. A non-empty set always holds the top match.
    top_added : ndarray of shape (n_spectra,) of bool or None
        Where the top match was added to a set the calibration's models had
        left it out of (``set_note`` says so).

    Examples
    --------
    >>> from sklearn_raman import make_spectra
    >>> from sklearn_raman.identification import SpectrumIdentifier
    >>> spectra, y = make_spectra(n_classes=3, n_samples_per_class=10,
    ...                           ragged=True, random_state=0)
    >>> result = SpectrumIdentifier(model="library").fit(spectra, y).identify(
    ...     spectra[:2], top=2)
    >>> len(result), sorted(result.records()[0])[:3]
    (2, ['file', 'match_1', 'match_2'])
    """

    files: list
    names: list
    X: np.ndarray
    classes: np.ndarray
    alpha: float
    novelty_score: str
    threshold: float
    top_classes: np.ndarray
    top_scores: np.ndarray
    score_kind: str
    novelty: np.ndarray
    verdicts: np.ndarray
    prediction_sets: np.ndarray | None
    top_added: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.files)

    def prediction_set(self, i: int) -> list | None:
        """The classes of spectrum ``i``'s prediction set (None: no sets).

        Parameters
        ----------
        i : int
            Position of the spectrum.

        Returns
        -------
        members : list or None
            The classes that cannot be ruled out; ``[]``: no known class fits.
        """
        if self.prediction_sets is None:
            return None
        return self.classes[self.prediction_sets[i]].tolist()

    def records(self) -> list[dict]:
        """One dict per spectrum, with the columns of :meth:`to_csv`.

        Returns
        -------
        records : list of dict
            ``file``, ``spectrum``, ``verdict``, the known-ness score (named
            by ``novelty_score``), ``threshold``, ``prediction_set`` (the
            members joined by ``;``, ``""`` when empty or unavailable),
            ``set_note`` (``""``, ``"matches no known class at this alpha"``
            for an empty set, ``"top match added: ..."`` where the top match
            was added, or ``"no prediction sets: the model gives no
            probabilities"``), then ``match_1``, ``<score_kind>_1``, ... for
            each best match. A non-empty set always holds ``match_1``.
        """
        rows = []
        for i in range(len(self)):
            members = self.prediction_set(i)
            row = {
                "file": self.files[i],
                "spectrum": self.names[i],
                "verdict": _plain(self.verdicts[i]),
                self.novelty_score: float(self.novelty[i]),
                "threshold": float(self.threshold),
                "prediction_set": ";".join(map(str, members or [])),
                "set_note": _set_note(
                    members,
                    self.alpha,
                    self.top_added is not None and bool(self.top_added[i]),
                ),
            }
            for j in range(self.top_classes.shape[1]):
                row[f"match_{j + 1}"] = _plain(self.top_classes[i, j])
                row[f"{self.score_kind}_{j + 1}"] = float(self.top_scores[i, j])
            rows.append(row)
        return rows

    def to_frame(self):
        """The records as a pandas DataFrame (needs pandas).

        Returns
        -------
        frame : pandas.DataFrame
            One row per spectrum.
        """
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - pandas is optional
            raise ImportError(
                "to_frame needs pandas: pip install pandas (or use records())"
            ) from exc
        return pd.DataFrame(self.records())

    def to_csv(self, path) -> None:
        """Write the records as a CSV file (numbers to 6 significant digits).

        Parameters
        ----------
        path : str or path-like
            The file to write; its folder is created.
        """
        rows = [
            {k: f"{v:.6g}" if isinstance(v, float) else str(v) for k, v in r.items()}
            for r in self.records()
        ]
        folder = os.path.dirname(os.fspath(path))
        if folder:
            os.makedirs(folder, exist_ok=True)
        with open(path, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)


def _set_note(members, alpha, top_added: bool = False) -> str:
    """What a prediction set says where its members do not (empty, or none)."""
    if members is None:
        return "no prediction sets: the model gives no probabilities"
    if not members:
        return f"matches no known class at alpha={alpha:g}"
    if top_added:
        return "top match added: the calibration's models had ruled it out"
    return ""
