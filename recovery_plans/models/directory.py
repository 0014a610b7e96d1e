"""The directory of local opportunities and partner services (PLN-5, §3.4.4).

Managers and hub staff keep it; plan actions name an entry as their owner when a partner
agency does the work. An entry is never deleted once used: it is made inactive, so an old plan
still says who was to do what.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partnership.models import Council


class DirectoryEntry(models.Model):
    class Kind(models.TextChoices):
        # Coded, so reports can count which kinds of support plans lean on.
        PARTNER_SERVICE = "partner_service", _("Partner service")
        MUTUAL_AID = "mutual_aid", _("Mutual aid group")
        HOUSING = "housing", _("Housing and homelessness")
        HEALTH = "health", _("Health and mental health")
        EMPLOYMENT = "employment", _("Employment, training and volunteering")
        EDUCATION = "education", _("Education and learning")
        MONEY = "money", _("Money, debt and benefits")
        FAMILY = "family", _("Family and carers")
        ACTIVITY = "activity", _("Community activity")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    offer = models.TextField(_("what they offer"), max_length=2000)
    contact = models.TextField(_("how to contact them"), max_length=500, blank=True)
    area = models.CharField(_("area"), max_length=200, blank=True)
    council = models.CharField(_("council"), max_length=40, choices=Council.choices, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ("name", "pk")
        verbose_name = _("directory entry")
        verbose_name_plural = _("directory entries")
        indexes = [models.Index(fields=["active", "name"], name="directory_active_name")]

    def __str__(self) -> str:
        return self.name
