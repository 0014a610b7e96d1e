"""factory-boy factories. States that matter (triaged, allocated) are reached through services."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from partnership.models import Hub, Membership, Organisation, Role
from partnership.services import membership_create
from referrals.matching import normalise_name, normalise_postcode
from referrals.models import Person, Referral


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.ERS


class HubFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hub
        django_get_or_create = ("name",)

    organisation = factory.SubFactory(OrganisationFactory, name="Cumbria ERS (demo)", kind="ers")
    name = factory.Sequence(lambda n: f"Hub {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    """Made through ``partnership.services.membership_create``, so the user ends up in their
    role, hub and organisation groups exactly as in the service."""

    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory, name="Cumbria ERS (demo)", kind="ers")
    role = Role.SPOC_PRACTITIONER
    hub = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return membership_create(by=None, **kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@ers.example.org")
    password = factory.django.Password("correct horse battery staple")
    membership = factory.RelatedFactory(MembershipFactory, factory_related_name="user")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name = factory.Faker("first_name", locale="en_GB")
    family_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=80)
    postcode = factory.LazyAttribute(lambda p: normalise_postcode(p.raw_postcode))
    search_name = factory.LazyAttribute(lambda p: normalise_name(f"{p.given_name} {p.family_name}"))

    class Params:
        raw_postcode = factory.Faker("postcode", locale="en_GB")


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral as just received. Move it along with the services, not by setting fields."""

    class Meta:
        model = Referral

    referrer_type = Referral.ReferrerType.SELF
    source = Referral.Source.SELF
    channel = Referral.Channel.ONLINE
    subject_given_name = factory.Faker("first_name", locale="en_GB")
    subject_family_name = factory.Faker("last_name", locale="en_GB")
    subject_date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=80)
    subject_postcode = factory.LazyFunction(lambda: "CA1 1AA")
    subject_phone = "07700 900123"
    substances = factory.LazyFunction(lambda: ["alcohol"])
    reason = "I would like some help cutting down."
    consent_to_contact = True
    contact_methods = factory.LazyFunction(lambda: ["phone"])
    received_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=2))
    priority = Referral.Priority.ROUTINE
