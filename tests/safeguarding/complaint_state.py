"""Complaints made the way staff and the public make them: through the services."""

from __future__ import annotations

import uuid

from safeguarding import services_complaints as services
from safeguarding.models import Complaint


def public_complaint(**overrides) -> Complaint:
    data = {
        "kind": Complaint.Kind.COMPLAINT,
        "complainant_from": Complaint.From.FAMILY,
        "category": Complaint.Category.STAFF,
        "summary": "Nobody called my brother back after his appointment was cancelled.",
        "desired_outcome": "An apology and a new appointment.",
        "wants_reply": True,
        "complainant_name": "Morag Ellison",
        "complainant_phone": "07700900123",
        "complainant_email": "",
        "complainant_address": "",
        "preferred_language": "en-gb",
        **overrides,
    }
    complaint, _created = services.complaint_receive_public(data=data, submission_token=uuid.uuid4())
    return complaint


def recorded_complaint(by, **overrides) -> Complaint:
    fields = {
        "kind": Complaint.Kind.COMPLAINT,
        "channel": Complaint.Channel.PHONE,
        "category": Complaint.Category.ACCESS,
        "complainant_from": Complaint.From.PERSON_SUPPORTED,
        "summary": "Waited three weeks for a first appointment.",
        **overrides,
    }
    return services.complaint_record(by=by, **fields)
