"""The scoring policy: weights, partial credits, radii, bonuses — what the bureau may change (versioned).

All numbers are plain Python floats so that every code path (index, explain, naive) uses the very same values.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields, replace

from matchmaker.matching.errors import PolicyError

RADII = ("village", "county", "city", "province", "anywhere")
BONUS_KEYS = ("paired_village", "school_park_link", "order_class_student", "zone_flow", "household_priority")


@dataclass(frozen=True)
class Policy:
    """Everything the score depends on besides the records. Validated on creation (:class:`PolicyError`).

    Defaults (documented choices):

    - weights ``w_skill`` 0.5, ``w_location`` 0.3, ``w_training`` 0.2 (DESIGN.md);
    - skills: same trade 1, same minor group ``same_minor`` 0.6, same medium group ``same_medium`` 0.3; a level
      factor ``level_step ** shortfall`` (0.7 per level short); a general-labour vacancy (no trade) gives
      everyone ``s_general_labour`` 0.5 — neither a match nor a mismatch, so a welder's own list shows welding
      jobs before 普工 jobs, and a worker without skills sees 普工 jobs first;
    - location: radius per kind (km) village 10, county 40, city 100, province 600, anywhere 2000 (beyond the
      province's extent, so "anywhere" still prefers near over far, L ≥ 0.9 within 600 km); provided housing
      multiplies the radius by ``housing_factor`` 1.5. L = 1 / (1 + (d/r)²): 1 at home, ½ at the radius,
      ⅕ at twice the radius;
    - training: certificate in a required trade at the level 1.0; certificate below the level or completed
      training in the trade's minor group 0.8; enrolled in this enterprise's order class, or willing to train
      where the vacancy trains 0.5; willing only 0.2;
    - bonuses in points (0-100 scale), their sum capped at ``bonus_cap`` 10;
    - legal working age 16 to 60 for men and 55 for women (the pre-2025 statutory retirement ages for workers
      and, for women, staff posts; configurable).
    """

    version: str = "default-1"
    w_skill: float = 0.5
    w_location: float = 0.3
    w_training: float = 0.2
    same_minor: float = 0.6
    same_medium: float = 0.3
    s_general_labour: float = 0.5
    level_step: float = 0.7
    radius_km: tuple[float, float, float, float, float] = (10.0, 40.0, 100.0, 600.0, 2000.0)
    housing_factor: float = 1.5
    t_certificate: float = 1.0
    t_completed: float = 0.8
    t_order_or_trains: float = 0.5
    t_willing: float = 0.2
    bonus_paired_village: float = 5.0
    bonus_school_park_link: float = 3.0
    bonus_order_class_student: float = 5.0
    bonus_zone_flow: float = 2.0
    bonus_household_priority: float = 3.0
    bonus_cap: float = 10.0
    min_working_age: int = 16
    max_working_age_male: int = 60
    max_working_age_female: int = 55
    # derived, filled in __post_init__
    level_factors: tuple[float, ...] = field(default=(), compare=False)
    radius_table: tuple[tuple[float, ...], tuple[float, ...]] = field(default=((), ()), compare=False)
    scale: float = field(default=0.0, compare=False)

    def __post_init__(self):
        def num(name, lo=0.0, hi=math.inf, strict_lo=False):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise PolicyError(name, "must be a finite number")
            if v < lo or v > hi or (strict_lo and v <= lo):
                raise PolicyError(name, f"must be in {'(' if strict_lo else '['}{lo}, {hi}]")
            object.__setattr__(self, name, float(v) if not isinstance(v, int) or name not in _INT_FIELDS else v)

        if not isinstance(self.version, str) or not self.version.strip():
            raise PolicyError("version", "must be a non-empty string")
        for name in ("w_skill", "w_location", "w_training"):
            num(name)
        if self.w_skill + self.w_location + self.w_training <= 0:
            raise PolicyError("weights", "w_skill + w_location + w_training must be > 0")
        for name in ("same_minor", "same_medium", "s_general_labour", "level_step", "t_certificate", "t_completed",
                     "t_order_or_trains", "t_willing"):
            num(name, 0.0, 1.0)
        if self.same_medium > self.same_minor:
            raise PolicyError("same_medium", "must not exceed same_minor")
        num("housing_factor", 1.0, 10.0)
        for name in BONUS_KEYS:
            num("bonus_" + name, 0.0, 100.0)
        num("bonus_cap", 0.0, 100.0)
        for name in _INT_FIELDS:
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or not 14 <= v <= 80:
                raise PolicyError(name, "must be an integer age between 14 and 80")
        if self.min_working_age >= min(self.max_working_age_male, self.max_working_age_female):
            raise PolicyError("min_working_age", "must be below the maximum working ages")
        radii = tuple(self.radius_km)
        if len(radii) != 5 or any(isinstance(r, bool) or not isinstance(r, (int, float)) or not math.isfinite(r)
                                  or r <= 0 for r in radii):
            raise PolicyError("radius_km", "needs five positive finite radii (village … anywhere)")
        radii = tuple(float(r) for r in radii)
        object.__setattr__(self, "radius_km", radii)
        object.__setattr__(self, "level_factors", tuple(self.level_step ** k for k in range(5)))
        object.__setattr__(self, "radius_table", (radii, tuple(r * self.housing_factor for r in radii)))
        object.__setattr__(self, "scale", 100.0 / (self.w_skill + self.w_location + self.w_training))

    @property
    def bonuses(self) -> dict[str, float]:
        return {k: getattr(self, "bonus_" + k) for k in BONUS_KEYS}

    def to_dict(self) -> dict:
        d = asdict(self)
        for k in ("level_factors", "radius_table", "scale"):
            d.pop(k)
        d["radius_km"] = list(d["radius_km"])
        return d

    @classmethod
    def from_dict(cls, data: dict) -> "Policy":
        """Build from stored settings; unknown keys are refused (PolicyError naming the key)."""
        known = {f.name for f in fields(cls)} - {"level_factors", "radius_table", "scale"}
        for key in data:
            if key not in known:
                raise PolicyError(key, "unknown policy setting")
        data = dict(data)
        if "radius_km" in data:
            data["radius_km"] = tuple(data["radius_km"])
        return cls(**data)

    def with_changes(self, **changes) -> "Policy":
        return replace(self, **changes)


_INT_FIELDS = ("min_working_age", "max_working_age_male", "max_working_age_female")

DEFAULT_POLICY = Policy()
