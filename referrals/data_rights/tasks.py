"""Background jobs for data subject rights (CONVENTIONS: thin tasks that take ids)."""

from common.tasks import recorded_task

EXPORT_TASK = "referrals.data_rights.tasks.generate_subject_access_export"


def _give_up(request_id: int) -> None:
    from referrals.data_rights.services import subject_access_give_up

    subject_access_give_up(request_id=request_id)


@recorded_task(name=EXPORT_TASK, object_type="referrals.subjectaccessrequest", on_give_up=_give_up)
def generate_subject_access_export(request_id: int) -> None:
    """Make a subject access export. Safe to deliver twice (the service completes it exactly
    once); its starts are counted, and after three that never finished it is marked failed."""
    from referrals.data_rights.services import subject_access_generate

    subject_access_generate(request_id=request_id)
