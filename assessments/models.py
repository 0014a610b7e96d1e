"""Models arrive with the assessments issue; the app is installed now so the layout is fixed."""
