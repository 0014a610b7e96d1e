"""Groups and activities with attendance (PLN-6), the pre-detox group among them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from recovery_plans.models import Attendance, Group
from recovery_plans.services import groups as services

pytestmark = pytest.mark.django_db


@pytest.fixture
def pre_detox(hub_worker):
    return services.group_create(by=hub_worker, name="Pre-detox group", kind=Group.Kind.PRE_DETOX)


@pytest.fixture
def session(pre_detox, hub_worker):
    return services.group_session_create(group=pre_detox, by=hub_worker, starts_at=timezone.now(), duration_minutes=90)


def test_a_hub_sets_up_a_group_once_by_name(pre_detox, hub, manager):
    assert (pre_detox.hub, pre_detox.get_kind_display()) == (hub, "Pre-detox group")
    with pytest.raises(ValidationError) as raised:
        services.group_create(by=manager, name="pre-detox GROUP", kind="pre_detox")
    assert raised.value.message_dict == {"name": [str(services.GROUP_NAME_TAKEN)]}


def test_peer_workers_do_not_set_up_groups_or_sessions(peer_worker, pre_detox):
    with pytest.raises(PermissionDenied):
        services.group_create(by=peer_worker, name="Walking group", kind="activity")
    with pytest.raises(PermissionDenied):
        services.group_session_create(group=pre_detox, by=peer_worker, starts_at=timezone.now(), duration_minutes=60)


def test_another_hub_does_not_add_sessions(other_hub_worker, pre_detox):
    with pytest.raises(PermissionDenied):
        services.group_session_create(
            group=pre_detox, by=other_hub_worker, starts_at=timezone.now(), duration_minutes=60
        )


def test_peer_workers_record_attendance_for_their_own_people(session, peer_worker, peer_person, person):
    attendance = services.attendance_record(session=session, person=peer_person, by=peer_worker, outcome="attended")
    assert attendance.history.get().history_user == peer_worker
    with pytest.raises(PermissionDenied):
        services.attendance_record(session=session, person=person, by=peer_worker, outcome="attended")


def test_attendance_is_recorded_once_per_person(session, hub_worker, person):
    services.attendance_record(session=session, person=person, by=hub_worker, outcome="attended")
    with pytest.raises(ValidationError):
        services.attendance_record(session=session, person=person, by=hub_worker, outcome="did_not_attend")
    assert Attendance.objects.get().outcome == "attended"


def test_the_session_page_lists_only_the_people_the_user_may_see(
    client, session, hub_worker, peer_worker, person, peer_person
):
    services.attendance_record(session=session, person=person, by=hub_worker, outcome="attended")
    services.attendance_record(session=session, person=peer_person, by=peer_worker, outcome="attended")
    client.force_login(peer_worker)
    page = client.get(reverse("contacts:group_session", kwargs={"pk": session.pk})).content.decode()
    assert peer_person.full_name in page and person.full_name not in page


def test_recording_attendance_on_the_page(client, session, hub_worker, person):
    client.force_login(hub_worker)
    url = reverse("contacts:group_session", kwargs={"pk": session.pk})
    assert client.post(url, {"person_ref": person.reference, "outcome": "attended"}).status_code == 302
    again = client.post(url, {"person_ref": person.reference, "outcome": "attended"})
    assert again.context["form"].errors == {"person_ref": [str(services.ATTENDANCE_ALREADY_RECORDED)]}


def test_group_pages_keep_a_constant_number_of_queries(
    client, pre_detox, session, hub_worker, person, django_assert_max_num_queries
):
    client.force_login(hub_worker)
    urls = [
        reverse("contacts:groups"),
        reverse("contacts:group", kwargs={"pk": pre_detox.pk}),
        reverse("contacts:group_session", kwargs={"pk": session.pk}),
    ]
    services.attendance_record(session=session, person=person, by=hub_worker, outcome="attended")
    counts = []
    for url in urls:
        client.get(url)
        with django_assert_max_num_queries(20) as few:
            client.get(url)
        counts.append(len(few.captured_queries))
    for number in range(10):
        extra = services.group_session_create(
            group=pre_detox, by=hub_worker, starts_at=timezone.now(), duration_minutes=60
        )
        services.group_create(by=hub_worker, name=f"Group {number}", kind="recovery")
        del extra
    for url, count in zip(urls, counts, strict=True):
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200
