from django.apps import AppConfig


class RecoveryPlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "recovery_plans"

    def ready(self) -> None:
        from recovery_plans.registry_contacts import register_contacts

        register_contacts()
