from django.apps import AppConfig


class RecoveryPlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "recovery_plans"

    def ready(self) -> None:
        from recovery_plans.registry_contacts import register_contacts

        register_contacts()
        from recovery_plans.services.plans import review_trigger_handle
        from referrals.review_triggers import review_trigger_register

        # PLN-2, §3.4.2: reassessment, safeguarding concerns and partner information happen in
        # apps earlier in the chain; they fire the trigger and this raises the review prompt.
        review_trigger_register(review_trigger_handle)
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
