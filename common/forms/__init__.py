"""The GOV.UK form toolkit every app's forms use (see CONVENTIONS.md, "Layout").

- ``identifiers``: UK phone numbers, postcodes and NHS numbers (one rule and one stored form each);
- ``dates``: the GOV.UK date input, the date-of-birth rule, times as typed;
- ``fields``: builders for text boxes, radios, notes, names and the form helper;
- ``errors``: the error summary's links and a service's ValidationError put back on a form;
- ``versions``: the version an edit form was loaded from, and the refusal of a save made from
  an older one (SEC-5).
"""
