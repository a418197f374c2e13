"""Identification: a reference model that names spectra or says "unknown".

The Python API under ``python -m sklearn_raman train`` and ``identify``::

    from sklearn_raman.datasets import read_spectra
    from sklearn_raman.identification import SpectrumIdentifier

    identifier = SpectrumIdentifier(model="recommended", baseline="arpls")
    identifier.fit(read_spectra("references/"))     # one subfolder per material
    identifier.save("plastics.skops")
    result = SpectrumIdentifier.load("plastics.skops").identify(read_spectra(
        "new/", label_from=lambda path: ""))
    result.to_frame()                                # verdict, matches, set
    write_report(identifier, result, "results.html") # = identify --report
"""

from ._identifier import SpectrumIdentifier
from ._plots import save_match_plots
from ._report import write_report
from ._result import IdentificationResult
from ._unseen import check_unknowns

__all__ = [
    "IdentificationResult",
    "SpectrumIdentifier",
    "check_unknowns",
    "save_match_plots",
    "write_report",
]
