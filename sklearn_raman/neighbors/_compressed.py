"""Compressed candidate search: a projected library that still finds the exact hits.

For unit-norm spectra ``q`` and ``l`` with projections ``qp`` and ``lp`` on an
orthonormal basis and residual norms ``r_q = sqrt(1 - |qp|²)``, ``r_l``, the
Cauchy-Schwarz inequality bounds the error of the projected similarity:
``|q·l - qp·lp| <= r_q r_l`` (plus :data:`SLACK` for float32 rounding). A
library row whose upper bound stays below a lower bound of the k-th best
similarity cannot be among the k best hits, so only the remaining candidates
are compared exactly (float64): the hits equal those of an exhaustive search,
up to exact ties. The projected products are float32 on a few hundred
components instead of float64 on every point.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils.extmath import randomized_svd

#: at most this share of the library, the rows worst represented by the
#: projection (residual over twice the median), is always compared exactly,
#: which keeps the bound tight for the others
EXACT_SHARE = 0.01
#: columns per block of the candidate screen
BLOCK = 64
#: added to every bound: the float32 rounding of the projected products
#: (unit vectors, a few hundred terms: far below 1e-4)
SLACK = 1e-4


class CompressedLibrary:
    """A normalised library, projected on its ``n_components`` principal axes.

    Parameters
    ----------
    library : ndarray of shape (n_library, n_points)
        Rows of norm 1 (or 0), float64.
    n_components : int
        Dimension of the projection (at most ``min(library.shape)``).
    random_state : int, default=0
        Seed of the randomised SVD.
    """

    def __init__(self, library: np.ndarray, n_components: int, random_state=0):
        n, d = library.shape
        k = int(min(n_components, n, d))
        lib32 = library.astype(np.float32)
        _, _, vt = randomized_svd(lib32, k, random_state=random_state)
        self.basis = np.ascontiguousarray(vt.T, dtype=np.float32)
        proj = lib32 @ self.basis
        sq = (library**2).sum(1) - (proj.astype(np.float64) ** 2).sum(1)
        resid = np.sqrt(np.maximum(sq, 0.0))
        n_exact = min(int(EXACT_SHARE * n), int((resid > 2 * np.median(resid)).sum()))
        order = np.argsort(resid, kind="stable")
        self.inliers = np.sort(order[: n - n_exact])
        self.outliers = np.sort(order[n - n_exact :])
        self.library = library
        self.proj_t = np.ascontiguousarray(proj[self.inliers].T)
        self.resid = resid[self.inliers].astype(np.float32)
        self.resid_max = float(self.resid.max()) if len(self.resid) else 0.0
        self.exact_out = np.ascontiguousarray(library[self.outliers])

    def candidates(
        self, Q: np.ndarray, k: int = 1, absolute: bool = False, pad_to: int = 0
    ):
        """Projected and exact similarities of one chunk of queries.

        Parameters
        ----------
        Q : ndarray of shape (n_queries, n_points)
            Normalised queries, float64.
        k : int, default=1
            The ``k`` best hits of each query are guaranteed among the
            candidates (or the exactly compared rows).
        absolute : bool, default=False
            Rank by ``|similarity|`` (for the hit quality index, its square).
        pad_to : int, default=0
            Zero-pad the chunk to this many queries for the products.

        Returns
        -------
        approx : ndarray of shape (n_queries, n_inliers)
            Projected similarities of the inlier rows (float32).
        exact_out : ndarray of shape (n_queries, n_outliers)
            Exact similarities of the rows always compared exactly.
        rows, cols : ndarray of int
            Query and library row (index into the library) of each candidate,
            grouped by query.
        exact : ndarray of float64
            Exact similarity of each candidate.
        """
        n_q = len(Q)
        if pad_to and n_q < pad_to:
            # one shape for every chunk: BLAS then rounds a query's products the
            # same whether it is searched alone or in a batch
            Q = np.concatenate([Q, np.zeros((pad_to - n_q, Q.shape[1]))])
        qp = Q.astype(np.float32) @ self.basis
        approx = (qp @ self.proj_t)[:n_q]
        exact_out = (Q @ self.exact_out.T)[:n_q]
        Q, qp = Q[:n_q], qp[:n_q]
        sq = (Q**2).sum(1) - (qp.astype(np.float64) ** 2).sum(1)
        rq = np.sqrt(np.maximum(sq, 0.0)).astype(np.float32)
        score = np.abs(approx) if absolute else approx
        score_out = np.abs(exact_out) if absolute else exact_out
        lower = self._kth_lower_bound(score, rq, score_out, k)
        rows, cols = _screen(score, lower - rq * self.resid_max - SLACK)
        bound = rq[rows] * self.resid[cols] + SLACK
        keep = score[rows, cols] + bound >= lower[rows]
        rows, cols = rows[keep], cols[keep]
        exact = np.empty(len(rows))
        bounds = np.searchsorted(rows, np.arange(len(Q) + 1))
        for i, (a, b) in enumerate(zip(bounds[:-1], bounds[1:])):
            if b > a:
                exact[a:b] = self.library[self.inliers[cols[a:b]]] @ Q[i]
        return approx, exact_out, rows, self.inliers[cols], exact

    def _kth_lower_bound(self, score, rq, score_out, k: int) -> np.ndarray:
        """A lower bound of each query's k-th best (absolute) similarity."""
        n = score.shape[1]
        if n == 0:
            known = score_out
        else:
            kk = min(k, n)
            if kk == 1:
                top = score.argmax(1)[:, None]
            else:
                top = np.argpartition(-score, kk - 1, axis=1)[:, :kk]
            known = np.take_along_axis(score, top, 1)
            known = known - rq[:, None] * self.resid[top] - SLACK
            known = np.concatenate([known, score_out], axis=1)
        kk = min(k, known.shape[1])
        return -np.partition(-known, kk - 1, axis=1)[:, kk - 1]


def _screen(score: np.ndarray, threshold: np.ndarray):
    """``np.nonzero(score >= threshold[:, None])``, grouped by row, in blocks.

    Few entries pass: the maximum of each block of :data:`BLOCK` columns is
    compared first, and only the blocks that reach the threshold are scanned.
    """
    n_rows, n = score.shape
    whole = n // BLOCK * BLOCK
    rows, cols = [], []
    if whole:
        blocks = score[:, :whole].reshape(n_rows, -1, BLOCK)
        r, b = np.nonzero(blocks.max(axis=2) >= threshold[:, None])
        hit, j = np.nonzero(blocks[r, b] >= threshold[r, None])
        rows.append(r[hit])
        cols.append(b[hit] * BLOCK + j)
    if whole < n:
        r, j = np.nonzero(score[:, whole:] >= threshold[:, None])
        rows.append(r)
        cols.append(j + whole)
    rows, cols = np.concatenate(rows), np.concatenate(cols)
    order = np.argsort(rows, kind="stable")
    return rows[order], cols[order]
