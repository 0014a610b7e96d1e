"""Data subject rights and the secure records export (PAR-6, PAR-7, §3.16.4, §3.23.4, §4.5.1).

One place for them: the model (``models``: subject access requests), the reads
(``selectors``), the writes (``services``), the forms and views (``forms``, ``views``, with
their templates in ``templates/referrals/data_rights/``) and the background task (``tasks``).

- ``sections``: the registry of what is held on a person, one declaration per model. The
  subject access export and the records export both read it, so a new person-related model
  is included by declaring one ``Section`` (or, failing that, found by ``discover``).
- ``collect``: every section's records and their change history in words (``common.history``).
- ``subject_access``: the subject access export (a PDF and a JSON file in one zip).
- ``restriction``: which people are restricted, asked by the one audited write (``common.audit``).
- ``services``: subject access requests, restriction of processing (writes).
- ``records_export``: the versioned, checksummed ``ers-export`` file (docs/export-format.md).
- ``records_import``: reading and checking that file, and re-creating its records here.
"""
