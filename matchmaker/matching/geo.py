"""Great-circle distance. One formula, one operation order, used by every fast path (so numbers agree).

``haversine_km`` (NumPy, broadcasting) is the engine's; ``haversine_km_py`` (``math``) is the naive scorer's
— the same formula, which may differ from NumPy's in the last bit of the arc sine.
Argument order is always (worker/home point, site point).
"""
from __future__ import annotations

import math

import numpy as np

EARTH_RADIUS_KM = 6371.0088
RAD = math.pi / 180.0


def haversine_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    lon1 = np.asarray(lon1, dtype=np.float64)
    lat1 = np.asarray(lat1, dtype=np.float64)
    lon2 = np.asarray(lon2, dtype=np.float64)
    lat2 = np.asarray(lat2, dtype=np.float64)
    sp = np.sin((lat2 - lat1) * (0.5 * RAD))
    sl = np.sin((lon2 - lon1) * (0.5 * RAD))
    h = sp * sp + np.cos(lat1 * RAD) * np.cos(lat2 * RAD) * (sl * sl)
    return (2.0 * EARTH_RADIUS_KM) * np.arcsin(np.sqrt(np.minimum(h, 1.0)))


def haversine_km_py(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    sp = math.sin((lat2 - lat1) * (0.5 * RAD))
    sl = math.sin((lon2 - lon1) * (0.5 * RAD))
    h = sp * sp + math.cos(lat1 * RAD) * math.cos(lat2 * RAD) * (sl * sl)
    return (2.0 * EARTH_RADIUS_KM) * math.asin(math.sqrt(min(h, 1.0)))


def haversine_km_np1(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """The engine's formula for one pair (used by ``explain`` so it matches the ranking bit for bit)."""
    return float(haversine_km(lon1, lat1, lon2, lat2))
