"""Models arrive with the safeguarding issue; the app is installed now so the layout is fixed."""
