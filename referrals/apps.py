from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "referrals"

    def ready(self) -> None:
        # Partnership draws the menu, the home-page redirect and the access log, but imports
        # no app of ours: referrals tells it about its pages and records here.
        from django.utils.translation import gettext_lazy as _

        from partnership import registry
        from partnership.access import (
            Detail,
            can_record_referral,
            can_run_subject_access,
            can_work_front_door,
            detail_register,
            sees_allocated_caseload,
            sees_hub_caseload,
            sees_worklists,
            works_for_treatment_service,
        )
        from referrals.models import Person, Referral

        # The menu, in this order, around partnership's Home (0), Access log (60) and
        # Administration (100).
        for label, url_name, shown_to, order in (
            (_("SPOC queue"), "referrals:queue", can_work_front_door, 10),
            (_("Record a referral"), "referrals:new", can_record_referral, 11),
            (_("Worklists"), "referrals:worklists", sees_worklists, 12),
            # Issue 9: a worker's day starts here (their caseload, then what the apps add).
            (
                _("My work"),
                "referrals:my_work",
                lambda user: sees_allocated_caseload(user) or sees_hub_caseload(user),
                19,
            ),
            (_("My caseload"), "referrals:caseload", sees_allocated_caseload, 20),
            # Managers: their hub's caseload (hub workers reach it from "My caseload").
            (
                _("Hub caseload"),
                "referrals:hub_caseload",
                lambda user: sees_hub_caseload(user) and not sees_allocated_caseload(user),
                21,
            ),
            (_("People shared with us"), "referrals:shared_people", works_for_treatment_service, 30),
            (_("Data rights"), "referrals:data_rights", can_run_subject_access, 70),
        ):
            registry.navigation_item_register(label=label, url_name=url_name, shown_to=shown_to, order=order)

        # Where the home page sends each role: the first that applies.
        registry.home_destination_register(url_name="referrals:queue", applies_to=can_work_front_door, order=10)
        # Hub and peer workers land on "My work" (managers stay at the front door: the queue).
        registry.home_destination_register(url_name="referrals:my_work", applies_to=sees_allocated_caseload, order=20)
        # PAR-3: the Treatment Service lands on the people shared with their organisation.
        registry.home_destination_register(
            url_name="referrals:shared_people", applies_to=works_for_treatment_service, order=30
        )

        # How access-log rows about referrals and people read, and the search by reference.
        def describe_referrals(ids: set[int]) -> dict[int, str]:
            references = dict(Referral.objects.filter(pk__in=ids).values_list("pk", "reference"))
            return {pk: _("Referral %(reference)s") % {"reference": references.get(pk, pk)} for pk in ids}

        def references_of_people(ids: set[int]) -> dict[int, str]:
            return dict(Person.objects.filter(pk__in=ids).values_list("pk", "reference"))

        def describe_people(ids: set[int]) -> dict[int, str]:
            return {pk: _("Person %(reference)s") % {"reference": ref} for pk, ref in references_of_people(ids).items()}

        registry.access_log_type_register(
            object_type=Referral._meta.label_lower,
            describe=describe_referrals,
            find_by_reference=lambda reference: Referral.objects.filter(reference=reference).values("pk"),
        )
        registry.access_log_type_register(object_type=Person._meta.label_lower, describe=describe_people)

        # Which fields are safeguarding or restriction detail (partnership.access.may_see
        # decides who sees them, on every page, history view and export).
        detail_register(
            model="referrals.triage", kind=Detail.SAFEGUARDING, fields=("screening_notes", "risk_reasons", "risk_notes")
        )
        detail_register(model="referrals.escalation", kind=Detail.SAFEGUARDING)
        # The minimum dataset sent to Treatment carries the risk reasons (the Treatment
        # Service's own pages show what was sent to it: that disclosure is its lawful basis).
        detail_register(model="referrals.treatmentreferral", kind=Detail.SAFEGUARDING, fields=("dataset",))
        # "Can hold safeguarding detail": why sharing was lawful without consent.
        detail_register(model="referrals.consent", kind=Detail.SAFEGUARDING, fields=("basis_note",))
        detail_register(model="referrals.referral", kind=Detail.RESTRICTION, fields=("access_restriction_reason",))
        detail_register(model="referrals.person", kind=Detail.RESTRICTION, fields=("processing_restriction_reason",))
        registry.person_references_register(
            find=lambda reference: Person.objects.filter(reference=reference).values("pk"), of=references_of_people
        )
