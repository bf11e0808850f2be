"""Stage 2, grouping: split the participants of each bundle into regionally compact groups.

A heuristic (greedy seed-and-nearest-neighbour, then improving pairwise swaps); it never changes
anybody's topics, so it never changes the cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .rules import Bounds, Participant

if TYPE_CHECKING:
    import numpy as np

# Improving swaps between groups: at most this many passes, each group with its nearest groups.
SWAP_PASSES = 30
NEAR_GROUPS = 6


def _distances(people: Sequence[Participant], regional_weight: float) -> np.ndarray[Any, Any]:
    """Pairwise distances: great-circle km (when both have a location) + ``regional_weight`` if regions differ."""
    import numpy as np

    codes: dict[str, int] = {}
    regions = np.fromiter((codes.setdefault(p.region, len(codes)) for p in people), dtype=np.int64, count=len(people))
    out: np.ndarray[Any, Any] = np.where(regions[:, None] == regions[None, :], 0.0, regional_weight)  # ints: fast
    located = np.array([p.location is not None for p in people])
    if located.any():
        lat = np.radians(np.array([p.location[0] if p.location else 0.0 for p in people]))
        lon = np.radians(np.array([p.location[1] if p.location else 0.0 for p in people]))
        h = (
            np.sin((lat[:, None] - lat[None, :]) / 2) ** 2
            + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin((lon[:, None] - lon[None, :]) / 2) ** 2
        )
        km = 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
        out = out + np.where(located[:, None] & located[None, :], km, 0.0)
    return out


def _sums_by_group(dist: np.ndarray[Any, Any], groups: list[list[int]]) -> np.ndarray[Any, Any]:
    """``out[x, g]`` = the sum of x's distances to the members of group ``g`` (one pass over ``dist``)."""
    import numpy as np

    order = np.fromiter((m for ms in groups for m in ms), dtype=np.int64)
    starts = np.cumsum([0] + [len(ms) for ms in groups[:-1]])
    out: np.ndarray[Any, Any] = np.add.reduceat(dist[:, order], starts, axis=1)
    return out


def _improve_by_swaps(groups: list[list[int]], dist: np.ndarray[Any, Any]) -> None:
    """Swap members between nearby groups while that lowers the sum of within-group distances.

    Moving ``a`` (of group I) and ``b`` (of group J) changes the sum by
    ``S_I(b) - S_I(a) + S_J(a) - S_J(b) - 2 d(a, b)``, where ``S_G(x)`` sums x's distances to G;
    each pass applies, for every group and each of its nearest groups, the best negative swap.
    ``S`` is computed once and then kept up to date swap by swap; each pass evaluates all pairs of a
    group with its nearest groups in one array operation, then applies the best swap of each pair in
    order, skipping a pair whose group already changed in this pass (the next pass sees it again).
    """
    import numpy as np

    if len(groups) < 2:
        return
    g_count = len(groups)
    widest = max(len(ms) for ms in groups)
    to_group = _sums_by_group(dist, groups)  # to_group[x, g] = S_g(x)
    sizes = np.array([len(ms) for ms in groups], dtype=float)
    near_count = min(NEAR_GROUPS, g_count - 1)
    for _ in range(SWAP_PASSES):
        # members padded to the widest group (-1: no member)
        padded = np.full((g_count, widest), -1, dtype=np.int64)
        for g, ms in enumerate(groups):
            padded[g, : len(ms)] = ms
        valid = padded >= 0
        safe = np.where(valid, padded, 0)
        # mean distance between groups: the sum over g's members of S_h, over both sizes
        between = np.where(valid[:, :, None], to_group[safe], 0.0).sum(axis=1)
        mean = between / np.outer(sizes, sizes)
        near = np.argsort(mean, axis=1, kind="stable")[:, 1 : near_count + 1]
        gi = np.repeat(np.arange(g_count), near_count)
        gj = near.reshape(-1)
        a_idx, b_idx = safe[gi], safe[gj]  # (pairs, widest)
        s_ia = to_group[a_idx, gi[:, None]]
        s_ib = to_group[b_idx, gi[:, None]]
        s_ja = to_group[a_idx, gj[:, None]]
        s_jb = to_group[b_idx, gj[:, None]]
        delta = (
            s_ib[:, None, :]
            - s_ia[:, :, None]
            + s_ja[:, :, None]
            - s_jb[:, None, :]
            - 2 * dist[a_idx[:, :, None], b_idx[:, None, :]]
        )
        delta = np.where(valid[gi][:, :, None] & valid[gj][:, None, :], delta, np.inf)
        flat = delta.reshape(len(gi), -1)
        best = np.argmin(flat, axis=1)
        gain = flat[np.arange(len(gi)), best]
        improved = False
        changed = np.zeros(g_count, dtype=bool)
        for k in np.flatnonzero(gain < -1e-9):
            i, j = int(gi[k]), int(gj[k])
            if changed[i] or changed[j]:
                continue
            a_pos, b_pos = divmod(int(best[k]), widest)
            a, b = groups[i][a_pos], groups[j][b_pos]
            groups[i][a_pos], groups[j][b_pos] = b, a
            to_group[:, i] += dist[:, b] - dist[:, a]
            to_group[:, j] += dist[:, a] - dist[:, b]
            changed[i] = changed[j] = True
            improved = True
        if not improved:
            return


def _group_sizes(count: int, size: Bounds) -> list[int]:
    """Balanced group sizes within ``size``, as few groups as possible."""
    g = 1 if size.max is None else -(-count // size.max)
    q, extra = divmod(count, g)
    return [q + 1] * extra + [q] * (g - extra)


def form_groups(
    members: list[int], people: Sequence[Participant], size: Bounds, regional_weight: float
) -> list[list[int]]:
    """Split ``members`` into regionally compact groups (greedy, then improving swaps)."""
    import numpy as np

    count = len(members)
    sizes = _group_sizes(count, size)
    if len(sizes) == 1:
        return [members]
    dist = _distances([people[m] for m in members], regional_weight)
    # the greedy seeds: row sums over the members still left, kept up to date instead of recomputed
    left = np.ones(count, dtype=bool)
    row_sum = dist.sum(axis=1)
    groups: list[list[int]] = []
    for s in sizes:
        seed = int(np.argmax(np.where(left, row_sum, -np.inf)))  # the most peripheral remaining member
        near = np.argsort(np.where(left, dist[seed], np.inf), kind="stable")[:s]
        if seed not in near:
            near = np.concatenate([[seed], near[: s - 1]])
        chosen = sorted(int(i) for i in near)
        groups.append(chosen)
        left[chosen] = False
        row_sum -= dist[:, chosen].sum(axis=1)
    _improve_by_swaps(groups, dist)
    out = [sorted(members[i] for i in g) for g in groups]
    return sorted(out)
