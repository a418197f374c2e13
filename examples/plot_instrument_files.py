"""
Instrument files: a Renishaw line scan and SPC spectra in one pipeline
======================================================================

``read_spectra`` reads vendor files as they come off the instrument: here a
Renishaw WiRE ``.wdf`` line scan (235 spectra, each with its stage position)
and two Galactic ``.spc`` Raman spectra of another instrument, on other axes.
``SpectrumResampler`` puts them on the range they share, and a pipeline
follows as usual.

The files are the real ones of ``../shared/data/formats`` (the test set of
the package's readers); the vendor readers come with
``pip install "sklearn-raman[formats]"``.
"""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.decomposition import PCA
from sklearn.pipeline import make_pipeline

import sklearn_raman
from sklearn_raman import MinMaxPerSpectrum, SpectrumResampler, read_spectra

FORMATS = Path(sklearn_raman.__file__).resolve().parents[2] / "shared/data/formats"

line = read_spectra([FORMATS / "wdf/spectrochempy_wire/line.wdf"], label_from="folder")
meta = line.metadata
first = meta[0]
print(f"{len(line.spectra)} spectra, {first['measurement']}, {first['x_kind']}")
print(f"laser {first['laser_wavelength_nm']} nm, first at {first['position_um']} µm")
# distance along the line, from the stage positions of the metadata
xy = np.array([[m["position_um"]["x"], m["position_um"]["y"]] for m in meta])
position = np.linalg.norm(xy - xy[0], axis=1)

spc = read_spectra(sorted((FORMATS / "spc/specio").glob("*.spc")), label_from="folder")
for (axis, _), m in zip(spc.spectra, spc.metadata):
    print(f"SPC: {len(axis)} points, {axis[0]:.0f}..{axis[-1]:.0f} {m['x_unit']}")

# %%
# One grid for both instruments: the range they share, every 2 cm-1.
start = max(max(a[0] for a, _ in s.spectra) for s in (line, spc))
stop = min(min(a[-1] for a, _ in s.spectra) for s in (line, spc))
model = make_pipeline(
    SpectrumResampler(start=np.ceil(start), stop=np.floor(stop), step=2),
    MinMaxPerSpectrum(),
    PCA(n_components=2),
)
scores = model.fit_transform(line.spectra)
other = model.transform(spc.spectra)
grid = model[0].grid_
X = model[:2].transform(line.spectra)

fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
image = axes[0].imshow(
    X.T,
    aspect="auto",
    origin="lower",
    extent=(position[0], position[-1], grid[0], grid[-1]),
)
axes[0].set(xlabel="position along the line (µm)", ylabel="Raman shift (cm⁻¹)")
axes[0].set_title("line scan (.wdf), min-max scaled")
for i in (0, len(X) // 2, len(X) - 1):
    axes[1].plot(grid, X[i], lw=0.8, label=f"{position[i]:.1f} µm")
axes[1].set(xlabel="Raman shift (cm⁻¹)", title="three points of the line")
axes[1].legend(fontsize=8)
axes[2].scatter(scores[:, 0], scores[:, 1], c=position, s=8, label=".wdf line")
axes[2].scatter(other[:, 0], other[:, 1], marker="x", c="k", s=60, label=".spc")
axes[2].set(xlabel="PC 1", ylabel="PC 2", title="one PCA for both instruments")
axes[2].legend(fontsize=8)
fig.tight_layout()
plt.show()
