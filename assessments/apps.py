from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessments"

    def ready(self) -> None:
        from partnership.access import Detail, detail_register

        # The risks section is safeguarding detail as a whole (risks, safeguarding concerns,
        # mental health, escalation triggers): never for peer workers, another organisation
        # or its export (partnership.access.may_see asks this on every page and export).
        detail_register(model="assessments.risksection", kind=Detail.SAFEGUARDING)
        detail_register(model="assessments.historicalrisksection", kind=Detail.SAFEGUARDING)

        from assessments.models.codes import Trigger
        from referrals.data_rights.collect import coded_list_register

        # ASM-6: the escalation triggers are codes reports count; the subject access export
        # shows each as "label (code)" (the JSON value keeps the codes).
        coded_list_register(field="triggers", choices=Trigger.choices)
        # ... and so does a referral to Treatment made for them (its reason_detail is in words).
        coded_list_register(field="escalation_triggers", choices=Trigger.choices)
