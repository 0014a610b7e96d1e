"""SAF-2, §3.15.9: the chronology built from the person's timeline: order, columns, filters, marks
and summaries, batches that lose nothing, who may produce it, the access and disclosure logs,
query counts that do not grow with the rows, and the PDF's content read back with pdftotext."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from partnership.models import AccessLog
from recovery_plans.services.contacts import contact_record
from referrals.models import Disclosure
from safeguarding import chronology
from safeguarding.chronology_pdf import _row
from safeguarding.chronology_services import chronology_summary_add
from safeguarding.models import ChronologyMark
from tests.pdf_text import pdf_layout_text
from tests.safeguarding.conftest import raise_concern


def _at(days_ago: int, hour: int = 10) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _contact(person, by, days_ago: int, hour: int = 10):
    return contact_record(
        person=person,
        by=by,
        type="brief_advice",
        setting="home_visit",
        duration_minutes=30,
        occurred_at=_at(days_ago, hour),
    )


@pytest.fixture
def history(person, hub_worker):
    """Contacts over two years, a chronology-only summary from another agency, and a concern today."""
    for days_ago in (700, 400, 200, 30):
        _contact(person, hub_worker, days_ago)
    chronology_summary_add(
        person=person,
        by=hub_worker,
        occurred_at=_at(300, 9),
        agency="Cumberland Children's Services",
        event="AGENCY-EVENT Joint home visit with the social worker",
        significance="Children seen well cared for",
    )
    return raise_concern(person, hub_worker)


def _entries(person, user, **filters):
    return list(chronology.entries(person=person, user=user, filters=chronology.Filters(**filters)))


def test_entries_run_oldest_first_from_every_source_the_user_sees_with_the_summaries_among_them(
    person, hub_worker, history
):
    rows = _entries(person, hub_worker)

    assert [row.at for row in rows] == sorted(row.at for row in rows)
    kinds = {row.kind for row in rows}
    assert {"referral", "contact", "safeguarding", chronology.SUMMARY_KIND} <= kinds
    summary = next(row for row in rows if row.kind == chronology.SUMMARY_KIND)
    assert summary.agency == "Cumberland Children's Services" and summary.significance == "Children seen well cared for"
    contacts = [row for row in rows if row.kind == "contact"]
    assert len(contacts) == 4 and contacts[0].author and contacts[0].agency


def test_small_windows_and_batches_lose_nothing_and_repeat_nothing(person, hub_worker, history, monkeypatch):
    expected = [(row.at, row.event) for row in _entries(person, hub_worker)]
    monkeypatch.setattr(chronology, "BATCH", 2)
    rows = list(
        chronology.entries(person=person, user=hub_worker, filters=chronology.Filters(), window=dt.timedelta(days=37))
    )
    assert [(row.at, row.event) for row in rows] == expected


def test_a_batch_ending_among_events_of_one_moment_loses_none_of_them():
    moment = _at(5)
    events = [{"at": moment - dt.timedelta(hours=h), "title": f"e{h}-{i}"} for h in (0, 1, 1, 1, 2) for i in (0,)]
    events = sorted(
        [{**e, "title": f"{e['title']}-{n}"} for n, e in enumerate(events)], key=lambda e: e["at"], reverse=True
    )

    def source(*, person, user, before, limit):
        return [e for e in events if before is None or e["at"] < before][:limit]

    for batch in (1, 2, 3):
        chronology.BATCH, saved = batch, chronology.BATCH
        try:
            got = list(
                chronology._source_window(
                    {"events": source}, person=None, user=None, start=moment - dt.timedelta(days=1), end=_at(-1)
                )
            )
        finally:
            chronology.BATCH = saved
        assert sorted(e["title"] for e in got) == sorted(e["title"] for e in events), batch


def test_the_filter_narrows_by_dates_kind_and_significance(person, hub_worker, history):
    recent = _entries(person, hub_worker, date_from=timezone.localdate() - dt.timedelta(days=350))
    assert {row.kind for row in recent} >= {"contact", chronology.SUMMARY_KIND}
    assert all(row.at >= _at(350, 0) for row in recent) and len(recent) < len(_entries(person, hub_worker))
    only_contacts = _entries(person, hub_worker, kinds=["contacts"])
    assert {row.kind for row in only_contacts} == {"contact"}
    significant = _entries(person, hub_worker, significant_only=True)
    assert [row.kind for row in significant] == [chronology.SUMMARY_KIND]


def test_marking_an_entry_puts_its_significance_and_action_in_the_chronology(client, person, hub_worker, history):
    client.force_login(hub_worker)
    page = client.get(reverse("safeguarding:chronology", args=[person.reference]))
    row = next(r for r in page.context["entries"] if r["entry"].kind == "contact")
    form_page = client.get(row["mark_url"])
    assert form_page.status_code == 200
    response = client.post(
        row["mark_url"],
        {
            "significant": "yes",
            "significance": "IMPACT-TEXT First sign of neglect",
            "action_outcome": "Referred to Early Help",
            "version": form_page.context["form"].initial["version"],
        },
    )
    assert response.status_code == 302
    mark = ChronologyMark.objects.get()
    assert mark.history.get().history_user == hub_worker
    marked = [r for r in _entries(person, hub_worker, significant_only=True) if r.kind == "contact"]
    assert [(r.significance, r.action_outcome) for r in marked] == [
        ("IMPACT-TEXT First sign of neglect", "Referred to Early Help")
    ]


def test_a_made_up_entry_cannot_be_marked(client, person, hub_worker, history):
    client.force_login(hub_worker)
    real = chronology.entry_key(kind="contact", at=_at(30), title="Brief advice, home visit")
    assert client.get(reverse("safeguarding:chronology_mark", args=[person.reference, real])).status_code == 200
    for key in (
        "0" * 40,
        chronology.entry_key(kind="contact", at=_at(30), title="Made up"),
        "contact-99999999999999999999-x",
    ):
        assert client.get(reverse("safeguarding:chronology_mark", args=[person.reference, key])).status_code == 404


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("hub_worker", 200),
        ("manager", 200),
        ("safeguarding_lead", 200),
        ("other_hub_worker", 404),
        ("peer_worker", 403),
        ("treatment_practitioner", 403),
        ("commissioner", 403),
    ],
)
def test_who_may_produce_a_chronology(client, request, person, history, persona, expected):
    client.force_login(request.getfixturevalue(persona))
    for name in ("chronology", "chronology_pdf", "chronology_summary_new"):
        assert client.get(reverse(f"safeguarding:{name}", args=[person.reference])).status_code == expected, name


def test_the_chronology_page_costs_the_same_however_long_the_history(
    client, person, hub_worker, history, django_assert_max_num_queries
):
    client.force_login(hub_worker)
    url = reverse("safeguarding:chronology", args=[person.reference])
    client.get(url)
    with django_assert_max_num_queries(200) as before:
        client.get(url)
    for n in range(25):
        _contact(person, hub_worker, days_ago=100 + n, hour=11)
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(url).status_code == 200


def _produce(client, person, **data):
    return client.post(reverse("safeguarding:chronology_pdf", args=[person.reference]), data)


def test_a_chronology_kept_within_the_service_writes_the_access_log_only(client, person, hub_worker, history):
    client.force_login(hub_worker)
    response = _produce(client, person, leaves="within", purpose="Supervision")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    log = AccessLog.objects.filter(action=AccessLog.Action.EXPORT).get()
    assert (log.user, log.person_id) == (hub_worker, person.pk) and "Supervision" in log.reason
    assert not Disclosure.objects.exists()


def test_a_chronology_that_leaves_the_service_writes_the_disclosure_log(client, person, safeguarding_lead, history):
    client.force_login(safeguarding_lead)
    response = _produce(client, person, leaves="leaves", purpose="Initial child protection conference")
    assert response.status_code == 200 and "Enter the organisation" in response.content.decode()
    assert not Disclosure.objects.exists()
    _produce(
        client,
        person,
        leaves="leaves",
        recipient="Cumberland Council Children's Services",
        lawful_basis="safeguarding",
        purpose="Initial child protection conference",
    )
    disclosure = Disclosure.objects.get()
    assert disclosure.dataset == Disclosure.Dataset.SAFEGUARDING_CHRONOLOGY
    assert (disclosure.by, disclosure.to_organisation_name) == (
        safeguarding_lead,
        "Cumberland Council Children's Services",
    )
    assert AccessLog.objects.filter(action=AccessLog.Action.DISCLOSE, person_id=person.pk).exists()


def test_the_pdf_has_every_entry_in_order_in_the_councils_columns_marked_and_numbered_on_every_page(
    client, person, hub_worker, history
):
    for n in range(60):  # enough rows for several landscape pages
        _contact(person, hub_worker, days_ago=150 - n, hour=8)
    client.force_login(hub_worker)
    response = _produce(client, person, leaves="within", purpose="Court bundle")
    text = pdf_layout_text(response.content)
    pages = [page for page in text.split("\f") if page.strip()]

    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert "OFFICIAL-SENSITIVE" in page, number
        assert f"Page {number} of {len(pages)}" in page, number
        assert person.full_name in page and person.reference in page, number
        for column in ("Date and time", "Source: agency and author", "Significant event", "Significance or impact"):
            assert column in page, (number, column)
    assert "Produced by" in pages[0] and "Period covered" in pages[0]
    assert "Action taken and" in pages[0]
    flat = " ".join(text.split())
    # Oldest first: the other agency's visit (300 days ago) before the contacts of 200 and 30 days ago, and the concern last.
    positions = [flat.index("AGENCY-EVENT"), flat.index("Safeguarding concern raised")]
    assert positions == sorted(positions)
    assert flat.count("Brief advice, home visit") == 64


def test_a_pdf_row_shows_what_staff_typed_as_text_with_its_line_breaks_in_the_five_columns():
    entry = chronology.Entry(
        at=_at(3, 14),
        kind="summary",
        kind_label="Chronology summaries",
        agency="Police <Cumbria> & partners",
        author="A. Worker",
        event="Home visit\nChildren at school",
        detail="Seen <b>well</b>",
        significance="Risk reduced",
        action_outcome="Plan reviewed\nNo further action",
        significant=True,
    )
    row = _row(entry)

    assert row.startswith('<tr class="significant">')  # significant entries are in bold
    cells = row.split("<td>")[1:]
    assert len(cells) == 5
    assert cells[0].startswith(timezone.localtime(entry.at).strftime("%-d %b %Y 14:00"))
    # Line breaks stay line breaks (the cells keep them: white-space: pre-line).
    assert "Police &lt;Cumbria&gt; &amp; partners\nA. Worker" in cells[1]
    assert "Home visit\nChildren at school" in cells[2] and "Seen &lt;b&gt;well&lt;/b&gt;" in cells[2]
    assert cells[3].startswith("Risk reduced") and cells[4].startswith("Plan reviewed\nNo further action")
    assert _row(chronology.Entry(**{**entry.__dict__, "significant": False})).startswith("<tr><td>")


def test_the_pdf_keeps_line_breaks_and_leaves_the_cycle_collector_as_it_found_it(client, person, hub_worker):
    import gc

    chronology_summary_add(
        person=person,
        by=hub_worker,
        occurred_at=_at(5, 9),
        agency="Cumberland Children's Services",
        event="FIRST-LINE Core group meeting\nSECOND-LINE Plan agreed",
    )
    raise_concern(person, hub_worker)
    client.force_login(hub_worker)
    assert gc.isenabled()
    response = _produce(client, person, leaves="within", purpose="Court bundle")
    assert gc.isenabled()  # held off while the document was laid out, and back on after
    text = pdf_layout_text(response.content)
    first = next(line for line in text.splitlines() if "FIRST-LINE" in line)
    assert "SECOND-LINE" not in first and "SECOND-LINE" in text
