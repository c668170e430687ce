"""Demo data (placeholder until the population generator lands)."""
DEMO_PASSWORD = "demo-pass-2026"


def has_demo() -> bool:
    return True
