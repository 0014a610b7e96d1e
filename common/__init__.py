"""Shared infrastructure every app uses; imports no app of ours (dependencies point one way)."""
