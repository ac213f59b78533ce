"""The weighted diffusion network between regions, and the news each region receives.

For regions i ≠ j with capitals at great-circle distance d_ij (km), populations P_j:

    w_ij  = P_j^α · (exp(−d_ij / D) + τ · ℓ_ij)          ℓ_ij: transport-link weight (0 if none)
    W_ij  = w_ij / Σ_k w_ik                             (row-normalised; W_ii = 0)
    δ_ij  = round((δ₀ + d_ij / v) / h)                  delay in ticks (h hours per tick)
    B(t)  = Σ_j P_j b_j(t) / Σ_j P_j                    national (media) share
    news_i(t) = (1 − μ) · n_i(t) · Σ_j W_ij b_j(t − 1 − δ_ij) + μ · m_i(t) · B(t − 1 − δ_m)

b_j(u) is region j's active share at the end of tick u, n_i and m_i ∈ [0, 1] the network and media
factors of the blackouts in force in region i at tick t. Sources and discussion:
docs/real-world-frame.md §4.

With a memory (half-life H hours, ``memory_hours`` > 0) a cut channel shows what the region last
knew through it, fading, instead of nothing. Per term c (network, media) with signal s_c,i(t)
(the sum or B above) and factor f_c,i(t):

    K_c,i(t) = f · s_c,i(t) + (1 − f) · d · K_c,i(t − 1),    d = 0.5^(h / H),    K(−1) = 0
    news_i(t) = (1 − μ) · K_net,i(t) + μ · K_media,i(t)

so with no blackout (f = 1) the news is the same as without memory.
"""

from __future__ import annotations

import numpy as np

from uprising.scenario.national import Network, RegionData

EARTH_KM = 6371.0


def distances_km(regions: list[RegionData]) -> np.ndarray:
    """Returns the great-circle (haversine) distances between the capitals, in km."""
    lat = np.radians([r.lat for r in regions])
    lon = np.radians([r.lon for r in regions])
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


class Diffusion:
    """Weights, delays and the news of every region (see the module docstring)."""

    def __init__(self, regions: list[RegionData], net: Network, hours_per_tick: float):
        n = len(regions)
        names = [r.name for r in regions]
        self.dist = distances_km(regions)
        pop = np.array([r.population for r in regions], dtype=float)
        links = np.zeros((n, n))
        for link in net.links:
            i, j = names.index(link.a), names.index(link.b)
            links[i, j] = links[j, i] = max(links[i, j], link.weight)
        w = pop[None, :] ** net.population_exponent * (
            np.exp(-self.dist / net.distance_km) + net.link_weight * links)
        np.fill_diagonal(w, 0.0)
        rows = w.sum(axis=1, keepdims=True)
        self.weights = np.divide(w, rows, out=np.zeros_like(w), where=rows > 0)
        hours = net.base_delay_hours + self.dist / net.speed_kmh
        self.delays = np.rint(hours / hours_per_tick).astype(np.int64)
        self.media_delay = round(net.media_delay_hours / hours_per_tick)
        self.pop_share = pop / pop.sum()
        self.media_weight = net.media_weight if n > 1 else 0.0
        self.enabled = net.enabled and n > 1
        self.fade = 0.5 ** (hours_per_tick / net.memory_hours) if net.memory_hours > 0 else 0.0
        self.known = np.zeros((2, n))  # K_net, K_media after the last call (memory only)

    def news(self, history: np.ndarray, tick: int, net_factor: np.ndarray,
             media_factor: np.ndarray) -> np.ndarray:
        """Returns news_i(tick) for every region from ``history[u, j] = b_j(u)``. With a
        memory the knowledge carries over between calls: call once per tick, in order."""
        n = history.shape[1]
        if not self.enabled:
            return np.zeros(n)
        src = tick - 1 - self.delays  # (i, j) source tick
        ok = src >= 0
        seen = np.where(ok, history[np.clip(src, 0, None), np.arange(n)[None, :]], 0.0)
        local = (self.weights * seen).sum(axis=1)
        m_src = tick - 1 - self.media_delay
        national = float(self.pop_share @ history[m_src]) if m_src >= 0 else 0.0
        mu = self.media_weight
        if self.fade == 0.0:
            return (1.0 - mu) * net_factor * local + mu * media_factor * national
        factor = np.stack([net_factor, media_factor])
        signal = np.stack([local, np.full(n, national)])
        self.known = factor * signal + (1.0 - factor) * self.fade * self.known
        return (1.0 - mu) * self.known[0] + mu * self.known[1]
