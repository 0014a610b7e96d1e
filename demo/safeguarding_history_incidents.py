"""The incidents part of the demo's safeguarding history (``demo.safeguarding_history``): serious
incidents and near misses in every §3.18 category, deaths in service, non-fatal overdoses with
naloxone, data-security incidents (each notified to the councils) and drug alerts, all withdrawn
or expired so that only the scenario's alert is live. Bulk rows with no history, on purpose."""

from __future__ import annotations

import datetime as dt

from demo.casework_outreach import weighted
from safeguarding.models import (
    DataSecurityIncident,
    DeathInService,
    DrugAlert,
    DrugAlertTransition,
    NonFatalOverdose,
    Notification,
    SeriousIncident,
)
from safeguarding.models.incidents import CATEGORY_OF, IncidentType

BATCH = 500


class IncidentsHistory:
    """Mixed into ``SafeguardingHistory``, whose helpers (``_moments``, ``_person``,
    ``_saved_and_notified``) and staff it uses."""

    # --- incidents, deaths, overdoses, data security (SAF-3, SAF-6) -----------------------------

    def _incidents(self, end: dt.datetime, n: int) -> int:
        rows = []
        for occurred in self._moments(end, n):
            incident_type = self.rng.choice(list(IncidentType))
            rows.append(
                SeriousIncident(
                    seriousness=weighted(self.rng, (("serious", 60), ("near_miss", 40))),
                    category=CATEGORY_OF[incident_type],
                    incident_type=incident_type,
                    occurred_at=occurred,
                    known_at=occurred + dt.timedelta(hours=self.rng.uniform(0, 12)),
                    place=self.rng.choice(("Carlisle hub", "Kendal hub", "A home visit", "Penrith hub")),
                    description="Recorded at the time; see the learning.",
                    person_id=self._person(occurred) if self.rng.random() < 0.6 else None,
                    learning="Shared with the Partnership Board.",
                    closed_on=(occurred + dt.timedelta(days=30)).date()
                    if occurred + dt.timedelta(days=30) < end
                    else None,
                    recorded_by=self.manager,
                    recorded_at=occurred,
                )
            )
        serious = [row for row in rows if row.seriousness == SeriousIncident.Seriousness.SERIOUS]
        SeriousIncident.objects.bulk_create([row for row in rows if row not in serious], batch_size=BATCH)
        kind = Notification.Kind.SERIOUS_INCIDENT
        return (
            len(rows)
            - len(serious)
            + self._saved_and_notified(SeriousIncident, serious, kind=kind, starts="known_at", by=self.manager)
        )

    def _deaths(self, end: dt.datetime, n: int) -> int:
        rows = []
        for died in self._moments(end, n):
            person_id = self._person(died)
            if person_id is None or person_id in self.used_for_death:
                continue
            self.used_for_death.add(person_id)
            reviewed = died + dt.timedelta(days=60)
            rows.append(
                DeathInService(
                    person_id=person_id,
                    died_on=died.date(),
                    known_at=died + dt.timedelta(days=self.rng.uniform(0.5, 3)),
                    cause=weighted(self.rng, (("drug", 45), ("alcohol", 30), ("other", 15), ("not_known", 10))),
                    circumstances="Told by the family.",
                    coroner_informed=True,
                    panel_review_on=reviewed.date() if reviewed < end else None,
                    panel_attended_by="Safeguarding lead" if reviewed < end else "",
                    recorded_by=self.lead,
                )
            )
        return self._saved_and_notified(
            DeathInService, rows, kind=Notification.Kind.DEATH, starts="known_at", by=self.lead
        )

    def _overdoses(self, end: dt.datetime, n: int) -> int:
        rows = []
        for occurred in self._moments(end, n):
            by = weighted(
                self.rng,
                (("staff", 35), ("peer", 10), ("person_present", 15), ("emergency_services", 25), ("not_given", 15)),
            )
            rows.append(
                NonFatalOverdose(
                    person_id=self._person(occurred),
                    occurred_at=occurred,
                    place=self.rng.choice(("Carlisle hub", "At home", "Night shelter", "Bus station")),
                    naloxone_by=by,
                    naloxone_doses=0 if by == "not_given" else self.rng.randint(1, 3),
                    emergency_services_called=self.rng.random() < 0.8,
                    taken_to_hospital=self.rng.random() < 0.5,
                    recorded_by=self.manager,
                    recorded_at=occurred,
                )
            )
        NonFatalOverdose.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)

    def _data_security(self, end: dt.datetime, n: int) -> int:
        rows = []
        for found in self._moments(end, n):
            rows.append(
                DataSecurityIncident(
                    discovered_at=found,
                    description="A letter sent to an old address.",
                    people_affected=1,
                    person_id=self._person(found),
                    containment="The letter was returned unopened.",
                    ico=DataSecurityIncident.Ico.NOT_REPORTABLE,
                    recorded_by=self.manager,
                    recorded_at=found,
                )
            )
        return self._saved_and_notified(
            DataSecurityIncident, rows, kind=Notification.Kind.DATA_SECURITY, starts="discovered_at", by=self.manager
        )

    # --- drug alerts (SAF-5) --------------------------------------------------------------------

    def _drug_alerts(self, end: dt.datetime, n: int) -> int:
        today = self.now.date()
        alerts, moves = [], []
        for issued in self._moments(end, n):
            expires = (issued + dt.timedelta(days=28)).date()
            alert = DrugAlert(
                title=self.rng.choice(("Strong heroin batch", "Pills sold as diazepam", "Contaminated cocaine")),
                grade=self.rng.choice(DrugAlert.Grade.values),
                substance=self.rng.choice(("Heroin", "Street benzodiazepines", "Cocaine")),
                area=self.rng.choice(("Carlisle", "West Cumbria", "Barrow-in-Furness", "The whole county")),
                what_seen="Several people unwell after using.",
                advice="Carry naloxone, do not use alone, test a small amount first.",
                source=self.rng.choice(DrugAlert.Source.values),
                expires_on=min(expires, today - dt.timedelta(days=1)),
                issued_at=issued,
                issued_by=self.lead,
            )
            alerts.append(alert)
            moves.append(DrugAlertTransition(alert=alert, from_status="", to_status="live", at=issued, by=self.lead))
        DrugAlert.objects.bulk_create(alerts, batch_size=BATCH)
        DrugAlertTransition.objects.bulk_create(moves, batch_size=BATCH)
        return len(alerts)
