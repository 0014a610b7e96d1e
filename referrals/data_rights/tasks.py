"""Background jobs for data subject rights (CONVENTIONS: thin tasks that take ids)."""

from celery import shared_task


@shared_task
def generate_subject_access_export(request_id: int) -> None:
    """Make a subject access export. Idempotent: a ready request is left alone; status and
    failure are recorded on the SubjectAccessRequest row by the service."""
    from referrals.data_rights.services import subject_access_generate

    subject_access_generate(request_id=request_id)
