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

    regions = np.array([p.region for p in people], dtype=object)
    out: np.ndarray[Any, Any] = np.where(regions[:, None] == regions[None, :], 0.0, regional_weight)
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


def _improve_by_swaps(groups: list[list[int]], dist: np.ndarray[Any, Any]) -> None:
    """Swap members between nearby groups while that lowers the sum of within-group distances.

    Moving ``a`` (of group I) and ``b`` (of group J) changes the sum by
    ``S_I(b) - S_I(a) + S_J(a) - S_J(b) - 2 d(a, b)``, where ``S_G(x)`` sums x's distances to G;
    each pass applies, for every group and each of its nearest groups, the best negative swap.
    """
    import numpy as np

    if len(groups) < 2:
        return
    members = np.zeros((len(groups), dist.shape[0]))
    for _ in range(SWAP_PASSES):
        for g, ms in enumerate(groups):
            members[g] = 0.0
            members[g, ms] = 1.0
        to_group = dist @ members.T  # to_group[x, g] = S_g(x)
        sizes = members.sum(axis=1)
        mean = (members @ to_group) / np.outer(sizes, sizes)
        near = np.argsort(mean, axis=1, kind="stable")[:, 1 : NEAR_GROUPS + 1]
        improved = False
        for gi in range(len(groups)):
            for gj in near[gi]:
                a_idx, b_idx = np.array(groups[gi]), np.array(groups[int(gj)])
                s_i, s_j = to_group[:, gi], to_group[:, gj]
                delta = (
                    s_i[b_idx][None, :]
                    - s_i[a_idx][:, None]
                    + s_j[a_idx][:, None]
                    - s_j[b_idx][None, :]
                    - 2 * dist[np.ix_(a_idx, b_idx)]
                )
                best = int(np.argmin(delta))
                if delta.flat[best] < -1e-9:
                    a_pos, b_pos = divmod(best, len(b_idx))
                    a, b = groups[gi][a_pos], groups[int(gj)][b_pos]
                    groups[gi][a_pos], groups[int(gj)][b_pos] = b, a
                    to_group[:, gi] += dist[:, b] - dist[:, a]
                    to_group[:, gj] += dist[:, a] - dist[:, b]
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
    left = list(range(count))
    groups: list[list[int]] = []
    for s in sizes:
        sub = dist[np.ix_(left, left)]
        seed_pos = int(np.argmax(sub.sum(axis=1)))  # the most peripheral remaining member
        near = np.argsort(sub[seed_pos], kind="stable")[:s]
        if seed_pos not in near:
            near = np.concatenate([[seed_pos], near[: s - 1]])
        chosen = sorted(left[i] for i in near)
        groups.append(chosen)
        taken = set(chosen)
        left = [i for i in left if i not in taken]
    _improve_by_swaps(groups, dist)
    out = [sorted(members[i] for i in g) for g in groups]
    return sorted(out)
