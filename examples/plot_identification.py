"""
Identify spectra from Python: a reference model that says "unknown"
===================================================================

:class:`~sklearn_raman.identification.SpectrumIdentifier` is what ``python -m
sklearn_raman train`` builds, as a Python object: the grid chosen from the
references, the normalisation, the classifier and its open-set calibration.
Here library search learns four synthetic minerals; a fifth, held out, must
come back "unknown", and the known ones must be named.
"""

import os
import tempfile

import matplotlib.pyplot as plt
import numpy as np

from sklearn_raman import make_spectra
from sklearn_raman.identification import SpectrumIdentifier

names = np.array(["albite", "calcite", "gypsum", "quartz", "mystery"])
spectra, y = make_spectra(
    n_classes=5, n_samples_per_class=20, ragged=True, random_state=3
)
y = names[y]
rng = np.random.default_rng(0)
query = (y == "mystery") | (rng.random(len(y)) < 0.25)  # new spectra
references = [s for s, q in zip(spectra, query) if not q]
queries = [s for s, q in zip(spectra, query) if q]

identifier = SpectrumIdentifier(model="library", unknown_recall=0.95)
identifier.fit(references, y[~query])
print(
    f"grid {identifier.grid_[0]:.0f} to {identifier.grid_[-1]:.0f} cm-1; unknown "
    f"where {identifier.novelty_score_} < {identifier.threshold_:.4f}"
)

# %%
# Saved as a skops file (no code runs on loading), then identify new spectra.
path = os.path.join(tempfile.mkdtemp(), "minerals.skops")
identifier.save(path)
result = SpectrumIdentifier.load(path).identify(queries, top=3)
truth = y[query]
known = truth != "mystery"
rejected = np.mean(result.verdicts[~known] == "unknown")
named = np.mean(result.verdicts[known] == truth[known])
print(f"held-out mineral rejected: {rejected:.0%}; known named right: {named:.0%}")
for record in result.records()[:3]:
    print(record["verdict"], record["match_1"], record["prediction_set"])

# %%
# The known-ness score of every query against the threshold, and a query
# over the mean reference of its best match.
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.6))
order = np.argsort(result.novelty)
colours = np.where(known[order], "tab:blue", "tab:red")
left.bar(np.arange(len(order)), result.novelty[order], color=colours)
left.axhline(identifier.threshold_, color="k", lw=1, label="threshold")
left.set(
    xlabel="query (sorted)",
    ylabel=result.novelty_score,
    title="blue: known minerals, red: the held-out one",
)
left.set_ylim(result.novelty.min() - 0.02, 1.0)
left.legend()
i = int(np.flatnonzero(known)[0])
best = result.top_classes[i, 0]
reference = identifier.reference_spectra_[list(identifier.classes_).index(best)]
right.plot(identifier.grid_, reference, color="0.5", label=f"mean {best} reference")
right.plot(identifier.grid_, result.X[i], label=f"query: {result.verdicts[i]}")
right.set(xlabel="Raman shift / cm$^{-1}$", ylabel="normalised intensity")
right.legend()
fig.tight_layout()
plt.show()
