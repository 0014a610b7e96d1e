from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Development-only demo and benchmark data (``seed_demo``, ``benchmark_front_door``).

    It may import any app; no domain app imports it, so it can be left out of a deployment.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
    verbose_name = "Demo and benchmark data"
