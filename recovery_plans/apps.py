from django.apps import AppConfig


class RecoveryPlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "recovery_plans"
