"""Who holds which object grant, and when (SEC-1, PAR-1, PAR-2): partnership.grants."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from guardian.shortcuts import get_objects_for_user

from partnership import grants
from partnership.models import AccessLog, Role
from partnership.services import membership_save
from referrals.models import Person, Referral
from referrals.selectors import referrals as selectors
from referrals.services import allocation as allocation_services
from referrals.services import grants as referral_grants
from referrals.services import referrals as services
from tests.factories import HubFactory, ReferralFactory, UserFactory
from tests.states import allocate


def visible(user):
    return set(selectors.referrals_visible_to(user=user).values_list("reference", flat=True))


def people(user):
    return set(selectors.people_visible_to(user=user).values_list("pk", flat=True))


def group_names(user):
    return set(user.groups.values_list("name", flat=True))


# --- Groups ---------------------------------------------------------------------------------


def test_hub_workers_and_managers_join_their_hub_team_but_peer_workers_do_not(
    hub, ers, hub_worker, manager, peer_worker
):
    team = grants.hub_group_name(hub.pk)
    assert team in group_names(hub_worker)
    assert team in group_names(manager)
    assert team not in group_names(peer_worker)


def test_everyone_but_commissioners_joins_their_organisation(
    ers, treatment_org, council, spoc_practitioner, peer_worker, treatment_practitioner, commissioner
):
    assert group_names(spoc_practitioner) == {Role.SPOC_PRACTITIONER, grants.organisation_group_name(ers.pk)}
    assert grants.organisation_group_name(ers.pk) in group_names(peer_worker)
    assert grants.organisation_group_name(treatment_org.pk) in group_names(treatment_practitioner)
    # §3.23 footnote 32: nothing shared with a council reaches its commissioners.
    assert group_names(commissioner) == {Role.COMMISSIONER}


def test_moving_hub_or_role_moves_the_groups_at_once(hub, other_hub, hub_worker):
    membership = hub_worker.membership
    membership.hub = other_hub
    membership_save(membership=membership, by=None)
    assert grants.hub_group_name(other_hub.pk) in group_names(hub_worker)
    assert grants.hub_group_name(hub.pk) not in group_names(hub_worker)

    membership.role = Role.PEER_WORKER
    membership_save(membership=membership, by=None)
    assert not any(name.startswith("hub:") for name in group_names(hub_worker))
    assert Role.PEER_WORKER in group_names(hub_worker)
    assert Role.HUB_WORKER not in group_names(hub_worker)


def test_no_role_group_holds_a_model_level_view_permission(
    spoc_practitioner, manager, hub_worker, peer_worker, safeguarding_lead, treatment_practitioner, commissioner
):
    """Deny by default: record visibility comes from object grants only."""
    views = Permission.objects.filter(codename__in=["view_referral", "view_person", "view_shared_record"])
    assert not Group.objects.filter(permissions__in=views).exists()


# --- Referral and person grants --------------------------------------------------------------


def test_allocation_lets_the_worker_and_their_hub_team_in_and_nobody_else(
    spoc_practitioner, hub, hub_worker, manager, peer_worker, other_hub_worker
):
    referral = allocate(ReferralFactory(), spoc=spoc_practitioner, hub=hub, worker=peer_worker)
    assert referral.reference in visible(peer_worker)
    assert referral.reference in visible(hub_worker)  # the hub team
    assert referral.reference not in visible(other_hub_worker)
    colleague = UserFactory(membership__hub=hub, membership__role=Role.PEER_WORKER)
    assert referral.reference not in visible(colleague)  # peer workers: their own people only


def test_reallocation_takes_access_from_the_old_worker_and_hub_at_once(
    spoc_practitioner, hub, other_hub, hub_worker, other_hub_worker
):
    referral = allocate(ReferralFactory(), spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    services.person_create_from_referral(referral=referral, by=spoc_practitioner)
    person_id = referral.person_id

    allocation_services.referral_reallocate(
        referral=referral, hub=other_hub, worker=other_hub_worker, by=spoc_practitioner, reason="Moved to Kendal"
    )

    assert referral.reference not in visible(hub_worker)
    assert person_id not in people(hub_worker)
    assert referral.reference in visible(other_hub_worker)
    assert person_id in people(other_hub_worker)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ALLOCATED
    assert referral.history.first().history_change_reason == "Reallocated: Moved to Kendal"


def test_reallocation_needs_a_reason_an_allocated_referral_and_the_front_door(
    spoc_practitioner, hub, hub_worker, manager
):
    waiting = ReferralFactory()
    with pytest.raises(ValidationError):
        allocation_services.referral_reallocate(
            referral=waiting, hub=hub, worker=hub_worker, by=spoc_practitioner, reason="x"
        )
    referral = allocate(ReferralFactory(), spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    with pytest.raises(ValidationError) as excinfo:
        allocation_services.referral_reallocate(
            referral=referral, hub=hub, worker=manager, by=spoc_practitioner, reason=" "
        )
    assert excinfo.value.message_dict == {"reason": [str(allocation_services.REALLOCATE_REASON_REQUIRED)]}
    with pytest.raises(PermissionDenied):
        allocation_services.referral_reallocate(
            referral=referral, hub=hub, worker=manager, by=hub_worker, reason="Leave"
        )


def test_reopening_clears_every_grant(spoc_practitioner, hub, hub_worker):
    referral = allocate(ReferralFactory(), spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    services.person_create_from_referral(referral=referral, by=spoc_practitioner)
    allocation_services.referral_close(referral=referral, by=spoc_practitioner, reason="Moved away")
    allocation_services.referral_reopen(referral=referral, by=spoc_practitioner, reason="Moved back")
    assert referral.reference not in visible(hub_worker)
    assert referral.person_id not in people(hub_worker)


def test_closing_keeps_read_access_for_the_worker_and_hub(spoc_practitioner, hub, peer_worker, hub_worker):
    referral = allocate(ReferralFactory(), spoc=spoc_practitioner, hub=hub, worker=peer_worker)
    allocation_services.referral_close(referral=referral, by=spoc_practitioner, reason="Goals met")
    assert referral.reference in visible(peer_worker)
    assert referral.reference in visible(hub_worker)
    # ...but it is no longer on anyone's caseload.
    assert not selectors.caseload_for(user=peer_worker).exists()
    assert not selectors.hub_caseload_for(user=hub_worker).exists()


def test_linking_a_person_gives_the_holders_of_the_referral_the_person(spoc_practitioner, hub, hub_worker):
    referral = allocate(ReferralFactory(), spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    known = Person.objects.create(given_name="Sam", family_name="Known", search_name="sam known")
    assert known.pk not in people(hub_worker)
    services.referral_link_person(referral=referral, person=known, by=spoc_practitioner)
    assert known.pk in people(hub_worker)


def test_a_returning_person_stays_visible_to_each_hub_holding_one_of_their_referrals(
    spoc_practitioner, hub, other_hub, hub_worker, other_hub_worker
):
    first = allocate(ReferralFactory(), spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    person = services.person_create_from_referral(referral=first, by=spoc_practitioner)
    second = ReferralFactory()
    services.referral_link_person(referral=second, person=person, by=spoc_practitioner)
    allocate(second, spoc=spoc_practitioner, hub=other_hub, worker=other_hub_worker)

    assert person.pk in people(hub_worker) and person.pk in people(other_hub_worker)
    allocation_services.referral_close(referral=second, by=spoc_practitioner, reason="Done")
    allocation_services.referral_reopen(referral=second, by=spoc_practitioner, reason="Wrong outcome")
    assert person.pk in people(hub_worker)
    assert person.pk not in people(other_hub_worker)


def test_syncing_twice_changes_nothing(spoc_practitioner, hub, hub_worker):
    referral = allocate(ReferralFactory(), spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    referral_grants.sync_referral_grants(referral=referral)
    referral_grants.sync_referral_grants(referral=referral)
    assert referral.referraluserobjectpermission_set.count() == 1
    assert referral.referralgroupobjectpermission_set.count() == 1


def test_the_selectors_grant_filter_matches_guardians_own(
    spoc_practitioner, hub, other_hub, hub_worker, other_hub_worker, peer_worker, manager
):
    allocate(ReferralFactory(), spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    allocate(ReferralFactory(), spoc=spoc_practitioner, hub=hub, worker=peer_worker)
    allocate(ReferralFactory(), spoc=spoc_practitioner, hub=other_hub, worker=other_hub_worker)
    ReferralFactory()
    for user in (hub_worker, other_hub_worker, peer_worker, manager, spoc_practitioner):
        ours = set(selectors._granted(user, referral_grants.VIEW_REFERRAL, Referral).values_list("pk", flat=True))
        theirs = set(
            get_objects_for_user(
                user, referral_grants.VIEW_REFERRAL, klass=Referral, accept_global_perms=False, with_superuser=False
            ).values_list("pk", flat=True)
        )
        assert ours == theirs, user.username


def test_a_superuser_caseworker_sees_only_what_they_were_given(spoc_practitioner, hub, hub_worker, other_hub):
    boss = UserFactory(
        username="admin-worker", is_superuser=True, membership__hub=other_hub, membership__role=Role.HUB_WORKER
    )
    allocate(ReferralFactory(), spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    assert visible(boss) == set()
    assert people(boss) == set()


def test_a_user_who_loses_their_membership_sees_nothing_even_with_grants_left(spoc_practitioner, hub, hub_worker):
    referral = allocate(ReferralFactory(), spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    hub_worker.membership.delete()
    hub_worker.refresh_from_db()
    assert referral.reference not in visible(hub_worker)


# --- Sharing with another organisation (PAR-2) -----------------------------------------------


@pytest.fixture
def person(db):
    return Person.objects.create(given_name="Ali", family_name="Shared", search_name="ali shared")


def shared_with(user, person):
    return (
        get_objects_for_user(
            user, referral_grants.VIEW_SHARED_RECORD, klass=Person, accept_global_perms=False, with_superuser=False
        )
        .filter(pk=person.pk)
        .exists()
    )


def test_sharing_with_treatment_lets_its_practitioners_see_the_shared_record(
    person, treatment_org, treatment_practitioner, spoc_practitioner, commissioner
):
    assert not shared_with(treatment_practitioner, person)
    assert referral_grants.share_person_with_organisation(
        person=person, organisation=treatment_org, by=spoc_practitioner, reason="Consent given 1 March"
    )
    assert shared_with(treatment_practitioner, person)
    assert not shared_with(spoc_practitioner, person)
    assert not shared_with(commissioner, person)
    assert referral_grants.organisations_shared_with(person=person) == [treatment_org]
    row = AccessLog.objects.get(action=AccessLog.Action.GRANT)
    assert (row.user, row.person_id) == (spoc_practitioner, person.pk)
    assert "Cumbria Treatment Service (demo)" in row.reason and "Consent given" in row.reason


def test_a_practitioner_joining_treatment_later_sees_what_was_shared(person, treatment_org, spoc_practitioner):
    referral_grants.share_person_with_organisation(
        person=person, organisation=treatment_org, by=spoc_practitioner, reason="x"
    )
    newcomer = UserFactory(membership__organisation=treatment_org, membership__role=Role.TREATMENT_PRACTITIONER)
    assert shared_with(newcomer, person)


def test_withdrawing_takes_access_away_at_once_and_is_logged(
    person, treatment_org, treatment_practitioner, spoc_practitioner, peer_worker
):
    referral_grants.share_person_with_organisation(
        person=person, organisation=treatment_org, by=spoc_practitioner, reason="x"
    )
    # Anyone on the staff may record a withdrawal: it is never held up.
    assert referral_grants.unshare_person_with_organisation(
        person=person, organisation=treatment_org, by=peer_worker, reason="Consent withdrawn on the phone"
    )
    assert not shared_with(treatment_practitioner, person)
    assert AccessLog.objects.filter(action=AccessLog.Action.REVOKE, user=peer_worker, person_id=person.pk).exists()
    # A second withdrawal finds nothing to take away and logs nothing.
    assert not referral_grants.unshare_person_with_organisation(
        person=person, organisation=treatment_org, by=peer_worker, reason="Again"
    )
    assert AccessLog.objects.filter(action=AccessLog.Action.REVOKE).count() == 1


def test_sharing_twice_grants_once(person, treatment_org, spoc_practitioner):
    assert referral_grants.share_person_with_organisation(
        person=person, organisation=treatment_org, by=spoc_practitioner, reason="a"
    )
    assert not referral_grants.share_person_with_organisation(
        person=person, organisation=treatment_org, by=spoc_practitioner, reason="b"
    )
    assert AccessLog.objects.filter(action=AccessLog.Action.GRANT).count() == 1


@pytest.mark.parametrize("persona", ["commissioner", "treatment_practitioner", "outsider"])
def test_only_ers_staff_may_share(request, person, treatment_org, persona):
    with pytest.raises(PermissionDenied):
        referral_grants.share_person_with_organisation(
            person=person, organisation=treatment_org, by=request.getfixturevalue(persona), reason="x"
        )


def test_sharing_and_withdrawing_need_a_reason(person, treatment_org, spoc_practitioner):
    with pytest.raises(ValidationError) as excinfo:
        referral_grants.share_person_with_organisation(
            person=person, organisation=treatment_org, by=spoc_practitioner, reason=""
        )
    assert excinfo.value.message_dict == {"reason": [str(grants.SHARE_REASON_REQUIRED)]}
    with pytest.raises(ValidationError):
        referral_grants.unshare_person_with_organisation(
            person=person, organisation=treatment_org, by=spoc_practitioner, reason="  "
        )


def test_the_grants_module_never_imports_referrals():
    """Dependencies point partnership <- referrals (CONVENTIONS)."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(grants))
    imported = [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)] + [
        alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    ]
    assert not [name for name in imported if name.startswith("referrals")]


def test_the_rebuild_command_restores_lost_grants(spoc_practitioner, hub, hub_worker):
    from django.core.management import call_command

    referral = allocate(ReferralFactory(), spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    referral.referraluserobjectpermission_set.all().delete()
    referral.referralgroupobjectpermission_set.all().delete()
    hub_worker.groups.clear()
    assert referral.reference not in visible(hub_worker)
    call_command("sync_access_grants", stdout=None)
    assert referral.reference in visible(hub_worker)
    assert grants.hub_group_name(hub.pk) in group_names(hub_worker)


def test_a_hub_without_members_still_gets_a_team_group(spoc_practitioner, ers):
    empty = HubFactory(organisation=ers, name="Penrith")
    worker = UserFactory(membership__hub=empty, membership__role=Role.PEER_WORKER)
    allocate(ReferralFactory(), spoc=spoc_practitioner, hub=empty, worker=worker)
    assert Group.objects.filter(name=grants.hub_group_name(empty.pk)).exists()
