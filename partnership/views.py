from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from partnership import registry
from partnership.access import membership_of, role_of
from partnership.auth_forms import NewPasswordForm, PasswordResetRequestForm, SignInForm
from partnership.models import Role
from partnership.tasks import send_password_reset_later

SIGNED_OUT = _("You have signed out.")


@login_required
def home(request):
    """Send each role to where its work is; everyone else sees what they may do."""
    # Where each role's work is, as the apps that own that work registered it (partnership.registry).
    destination = registry.home_destination_for(request.user)
    if destination is not None:
        return redirect(destination)
    membership = membership_of(request.user)
    return render(
        request,
        "partnership/home.html",
        {"role": role_of(request.user), "membership": membership, "Role": Role},
    )


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """POST only (Django's LogoutView refuses GET), then back to the sign-in page."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # The session is gone by now; the message travels in the messages cookie.
        messages.success(request, SIGNED_OUT)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Queues the e-mail (partnership.tasks) whether or not the address has an account, so a
    known and an unknown address get the same page after the same work: nothing is looked up
    or sent in the request."""

    form_class = PasswordResetRequestForm
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        send_password_reset_later(
            email=form.cleaned_data["email"], domain=self.request.get_host(), use_https=self.request.is_secure()
        )
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    success_url = reverse_lazy("password_reset_complete")


def csrf_failure(request, reason=""):
    """Django's own CSRF page has no styling and says nothing useful to the public; this one
    explains what happened and how to get the answers back (SEC-4). The reason is not shown."""
    return render(request, "403_csrf.html", status=403)
