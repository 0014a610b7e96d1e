from django.apps import AppConfig


class RecoveryPlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "recovery_plans"

    def ready(self) -> None:
        from recovery_plans.registry_contacts import register_contacts

        register_contacts()
        from django.utils.translation import gettext_lazy as _

        from partnership import registry
        from partnership.access import Detail, detail_register, sees_directory, sees_recovery_plans

        # PLN-2: reviews and actions due, for the worker and the manager.
        registry.navigation_item_register(
            label=_("Plans due"), url_name="recovery_plans:due", shown_to=sees_recovery_plans, order=25
        )
        registry.navigation_item_register(
            label=_("Local services"), url_name="recovery_plans:directory", shown_to=sees_directory, order=40
        )
        # PLN-1: a plan's risks and how they are reduced are safeguarding detail (peer workers
        # never see them, nor does the person's printed copy), and so is what raised a prompt.
        detail_register(model="recovery_plans.planrisk", kind=Detail.SAFEGUARDING)
        detail_register(model="recovery_plans.reviewprompt", kind=Detail.SAFEGUARDING, fields=("detail",))
