"""Models arrive with the recovery_plans issue; the app is installed now so the layout is fixed."""
