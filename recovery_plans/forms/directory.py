"""The directory entry form (PLN-5): adding one, or changing one (SEC-5 versioned)."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fluid, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms.errors import GovUKFormMixin
from common.forms.fields import NO, YES, YES_NO, helper, notes, radios, text
from common.forms.versions import VersionedFormMixin
from partnership.models import Council
from recovery_plans.models import DirectoryEntry

NAME_REQUIRED = _("Enter the name of the service or opportunity")
NAME_TOO_LONG = _("The name must be 200 characters or fewer")
KIND_REQUIRED = _("Select what kind of service or opportunity it is")
OFFER_REQUIRED = _("Say what they offer")
OFFER_TOO_LONG = _("This must be 2000 characters or fewer")
CONTACT_TOO_LONG = _("This must be 500 characters or fewer")
AREA_TOO_LONG = _("The area must be 200 characters or fewer")
ACTIVE_REQUIRED = _("Select whether people can be pointed to it now")


class DirectoryEntryNewForm(GovUKFormMixin, forms.Form):
    """Adding an entry; ``DirectoryEntryForm`` changes one."""

    name = text(_("Name"), max_length=200, required=True, required_message=NAME_REQUIRED, too_long=NAME_TOO_LONG)
    kind = radios(DirectoryEntry.Kind.choices, _("What kind is it?"), KIND_REQUIRED)
    offer = notes(2000, _("What they offer"), OFFER_TOO_LONG, required=True, required_message=OFFER_REQUIRED)
    contact = notes(500, _("How to contact them (optional)"), CONTACT_TOO_LONG, rows=3)
    area = text(_("Area or neighbourhood (optional)"), max_length=200, too_long=AREA_TOO_LONG)
    council = forms.ChoiceField(
        label=_("Council area (optional)"), choices=[("", _("Any"))] + list(Council.choices), required=False
    )
    is_active = radios(YES_NO, _("Can people be pointed to it now?"), ACTIVE_REQUIRED, initial=YES)

    def __init__(self, *args, entry: DirectoryEntry | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if entry is not None and not self.is_bound:
            self.initial.update(
                {name: getattr(entry, name) for name in ("name", "kind", "offer", "contact", "area", "council")}
            )
            self.initial["is_active"] = YES if entry.active else NO
        self.helper = helper(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.radios("kind", legend_size=Size.SMALL),
            Field.textarea("offer", max_characters=2000),
            Field.textarea("contact", max_characters=500),
            Field.text("area", field_width=Fluid.TWO_THIRDS),
            Field.select("council"),
            Field.radios("is_active", legend_size=Size.SMALL, inline=True),
            submit=_("Save"),
        )

    def service_fields(self) -> dict:
        data = self.cleaned_data
        values = {name: data.get(name) or "" for name in ("name", "kind", "offer", "contact", "area", "council")}
        values["active"] = data["is_active"] == YES
        return values


class DirectoryEntryForm(VersionedFormMixin, DirectoryEntryNewForm):
    version_model = DirectoryEntry
    version_field_map = {"is_active": "active"}

    def __init__(self, *args, entry: DirectoryEntry, **kwargs):
        super().__init__(*args, entry=entry, version_of=entry, **kwargs)
