from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "safeguarding"

    def ready(self) -> None:
        from safeguarding import registry_complaints, registry_concerns, registry_notifications

        registry_concerns.register()
        registry_notifications.register()
        registry_complaints.register()
