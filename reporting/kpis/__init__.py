"""The KPI calculations (RPT-2): one function per KPI id, each with its requirement reference
beside it, aggregating in the database. ``registry.KPIS`` lists them; ``docs/kpis.md`` defines
every one precisely enough to recompute it from the handover export."""
