"""ASM-6: a referral to Treatment made from the assessment keeps its escalation triggers as codes
(reports count them), beside ``reason_detail``, which says them in words. Escalations made before
this get their codes back from those words (the labels as they were when this was written; a
part that matches none is left out). History rows stay as they were."""

from django.db import migrations, models

# assessments.models.codes.Trigger as it stands now, frozen here as migrations must be.
LABEL_TO_CODE = {
    "Child protection or children's social care involvement": "child_protection",
    "Adult safeguarding or self-neglect (for example cuckooing)": "adult_safeguarding",
    "Criminal justice involvement": "criminal_justice",
    "Serious physical health concern": "physical_health",
    "Pregnant or in the postnatal period": "pregnancy",
    "Active suicidal thoughts or a recent attempt": "suicidal",
    "Worsening psychological wellbeing": "psychological",
}
ORDER = list(LABEL_TO_CODE.values())


def codes_from_words(apps, schema_editor):
    model = apps.get_model("referrals", "TreatmentReferral")
    for row in model.objects.exclude(reason_detail="").only("pk", "reason_detail").iterator():
        found = {LABEL_TO_CODE[part.strip()] for part in row.reason_detail.split(";") if part.strip() in LABEL_TO_CODE}
        if found:
            model.objects.filter(pk=row.pk).update(escalation_triggers=[code for code in ORDER if code in found])


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0010_treatment_referral_assessment_trigger"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicaltreatmentreferral",
            name="escalation_triggers",
            field=models.JSONField(blank=True, default=list, verbose_name="escalation triggers"),
        ),
        migrations.AddField(
            model_name="treatmentreferral",
            name="escalation_triggers",
            field=models.JSONField(blank=True, default=list, verbose_name="escalation triggers"),
        ),
        migrations.RunPython(codes_from_words, migrations.RunPython.noop, elidable=False),
    ]
