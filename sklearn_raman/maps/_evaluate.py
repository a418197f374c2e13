"""Particles found against particles known: detection, material, size."""

from __future__ import annotations

import numpy as np
from scipy import sparse


def match_particles(labels_pred, labels_true, *, min_iou: float = 0.5):
    """Pairs of found and true particles that overlap, one to one.

    A found particle and a true one match when the intersection of their
    pixels over their union (IoU) is at least ``min_iou``; pairs are taken
    by decreasing IoU, each particle in at most one pair (above 0.5 a pair
    is unique anyway).

    Parameters
    ----------
    labels_pred, labels_true : array-like of int, shape (ny, nx)
        Particle ids (0: none), found and true.
    min_iou : float, default=0.5
        Least overlap of a match.

    Returns
    -------
    pairs : ndarray of shape (n_pairs, 2)
        ``(found id, true id)`` of each match.
    iou : ndarray of shape (n_pairs,)
        Their overlap.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_raman.maps import match_particles
    >>> true = np.array([[1, 1, 0, 2, 2]])
    >>> found = np.array([[1, 1, 1, 0, 2]])
    >>> pairs, iou = match_particles(found, true)
    >>> pairs.tolist(), iou.round(3).tolist()
    ([[1, 1], [2, 2]], [0.667, 0.5])
    """
    pred = np.asarray(labels_pred).ravel().astype(np.int64)
    true = np.asarray(labels_true).ravel().astype(np.int64)
    if pred.shape != true.shape:
        raise ValueError(
            f"labels of shapes {np.shape(labels_pred)} and {np.shape(labels_true)}"
        )
    both = (pred > 0) & (true > 0)
    n_pred, n_true = int(pred.max(initial=0)), int(true.max(initial=0))
    overlap = sparse.coo_matrix(
        (np.ones(int(both.sum())), (pred[both], true[both])),
        shape=(n_pred + 1, n_true + 1),
    ).tocsr()
    overlap.sum_duplicates()
    area_pred = np.bincount(pred, minlength=n_pred + 1)
    area_true = np.bincount(true, minlength=n_true + 1)
    rows, cols = overlap.nonzero()
    inter = np.asarray(overlap[rows, cols]).ravel()
    iou = inter / (area_pred[rows] + area_true[cols] - inter)
    order = np.argsort(-iou, kind="stable")
    used_pred, used_true, pairs, kept = set(), set(), [], []
    for k in order:
        if iou[k] < min_iou:
            break
        a, b = int(rows[k]), int(cols[k])
        if a in used_pred or b in used_true:
            continue
        used_pred.add(a)
        used_true.add(b)
        pairs.append((a, b))
        kept.append(iou[k])
    return np.array(pairs, dtype=int).reshape(-1, 2), np.array(kept, dtype=float)


def score_particles(
    result, particle_ids, materials, *, min_pixels: int = 5, pixel_size=None
):
    """Detection precision and recall, material accuracy, Feret error of a map.

    Against a known particle list (:func:`~sklearn_raman.datasets.make_map`'s
    ``particle_ids`` and ``particles["material"]``): particles of at least
    ``min_pixels`` pixels, found and true, matched by overlap
    (:func:`match_particles`, IoU >= 0.5).

    Parameters
    ----------
    result : MapIdentification
        What :func:`identify_map` gave.
    particle_ids : array-like of int, shape (ny, nx)
        True particle ids (0: none), ``1..n``.
    materials : array-like of str, shape (n,)
        True material of particle ``i`` at ``materials[i - 1]``.
    min_pixels : int, default=5
        Smallest particle scored (found or true).
    pixel_size : (float, float) or None, default=None
        Pixel size ``(x, y)`` for the Feret error in pixels (None: the
        result's, else 1).

    Returns
    -------
    scores : dict
        ``recall``, ``precision``, ``material_accuracy`` (of the matched),
        ``feret_error_px`` (median absolute error of the maximum Feret
        diameter, in pixels), ``n_true``, ``n_found``, ``n_matched``.

    Examples
    --------
    >>> from sklearn_raman.datasets import make_map
    >>> from sklearn_raman.identification import SpectrumIdentifier
    >>> from sklearn_raman.maps import SpectralMap, identify_map, score_particles
    >>> scan = make_map(shape=(48, 48), n_particles=6, random_state=0)
    >>> model = SpectrumIdentifier(model="library_pearson").fit(
    ...     [(scan.wavenumbers, r) for r in scan.references], scan.reference_y)
    >>> result = identify_map(model, SpectralMap(
    ...     scan.data, scan.wavenumbers, pixel_size_um=scan.pixel_size_um))
    >>> scores = score_particles(result, scan.particle_ids,
    ...                          scan.particles["material"])
    >>> scores["recall"], scores["material_accuracy"]
    (1.0, 1.0)
    """
    from ._particles import measure_particles

    particle_ids = np.asarray(particle_ids)
    materials = np.asarray(materials)
    size = pixel_size or result.pixel_size_um or (1.0, 1.0)
    true_props = measure_particles(particle_ids, size)
    true_big = true_props["n_pixels"] >= min_pixels
    found_big = result.particles["n_pixels"] >= min_pixels
    # drop the small ones from both label images before matching
    keep_true = np.r_[False, true_big]
    keep_found = np.r_[False, found_big]
    true_labels = np.where(keep_true[particle_ids], particle_ids, 0)
    found_labels = np.where(
        keep_found[result.particle_labels], result.particle_labels, 0
    )
    pairs, _ = match_particles(found_labels, true_labels)
    n_true, n_found, n_matched = int(true_big.sum()), int(found_big.sum()), len(pairs)
    feret_key = next(k for k in result.particles if k.startswith("feret_max"))
    scale = 1.0 if result.unit == "px" else float(np.sqrt(size[0] * size[1]))
    if n_matched:
        found_material = result.particles["material"][pairs[:, 0] - 1]
        true_material = materials[pairs[:, 1] - 1]
        accuracy = float(
            np.mean(found_material.astype(str) == true_material.astype(str))
        )
        found_feret = result.particles[feret_key][pairs[:, 0] - 1]
        true_feret = true_props["feret_max"][pairs[:, 1] - 1]
        error = float(np.median(np.abs(found_feret - true_feret)) / scale)
    else:
        accuracy, error = float("nan"), float("nan")
    return {
        "recall": n_matched / n_true if n_true else float("nan"),
        "precision": n_matched / n_found if n_found else float("nan"),
        "material_accuracy": accuracy,
        "feret_error_px": error,
        "n_true": n_true,
        "n_found": n_found,
        "n_matched": n_matched,
    }
