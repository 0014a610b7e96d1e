"""complaints (see safeguarding/models/__init__.py)."""

__all__: list[str] = []
