"""Forms for signing in and resetting a password, with GOV.UK-style messages.

Each message a person can see is a module constant so tests can assert it.
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fixed, Layout, Submit
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

ENTER_USERNAME = _("Enter your username")
ENTER_PASSWORD = _("Enter your password")
# Says neither which part was wrong nor whether the account exists.
WRONG_USERNAME_OR_PASSWORD = _("The username or password is not right. Check them and try again.")
ACCOUNT_SWITCHED_OFF = _("This account has been switched off. Ask your administrator to switch it back on.")
ENTER_EMAIL = _("Enter your work e-mail address")
EMAIL_FORMAT = _("Enter an e-mail address in the correct format, like name@example.org")
ENTER_NEW_PASSWORD = _("Enter a new password")
CONFIRM_NEW_PASSWORD = _("Enter the new password again")
PASSWORDS_DO_NOT_MATCH = _("The passwords do not match. Enter the same password twice.")


def _helper(*fields, button: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False  # the template owns the <form>, so it can add links beside it
    helper.layout = Layout(*fields, Submit("submit", button))
    return helper


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": WRONG_USERNAME_OR_PASSWORD,
        "inactive": ACCOUNT_SWITCHED_OFF,
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.label = _("Username")
        username.error_messages["required"] = ENTER_USERNAME
        username.widget.attrs.update({"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"})
        password = self.fields["password"]
        password.label = _("Password")
        password.error_messages["required"] = ENTER_PASSWORD
        password.widget.attrs.update({"autocomplete": "current-password"})
        # Autofocus moves screen-reader users past the page heading: leave focus alone.
        username.widget.attrs.pop("autofocus", None)
        self.helper = _helper(
            Field.text("username", field_width=Fixed.TWENTY),
            Field.text("password", field_width=Fixed.TWENTY),
            button=_("Sign in"),
        )


class PasswordResetRequestForm(PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.label = _("Work e-mail address")
        email.help_text = _("The e-mail address your administrator set up for your account.")
        email.error_messages.update({"required": ENTER_EMAIL, "invalid": EMAIL_FORMAT})
        email.widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})
        self.helper = _helper(
            Field.text("email", field_width=Fixed.TWENTY),
            button=_("Send reset link"),
        )


class NewPasswordForm(SetPasswordForm):
    error_messages = {"password_mismatch": PASSWORDS_DO_NOT_MATCH}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        first = self.fields["new_password1"]
        first.label = _("New password")
        first.error_messages["required"] = ENTER_NEW_PASSWORD
        first.help_text = _("Use at least 12 characters. Avoid common words and your name.")
        second = self.fields["new_password2"]
        second.label = _("Confirm new password")
        second.help_text = ""
        second.error_messages["required"] = CONFIRM_NEW_PASSWORD
        self.helper = _helper(
            Field.text("new_password1", field_width=Fixed.TWENTY),
            Field.text("new_password2", field_width=Fixed.TWENTY),
            button=_("Change password"),
        )
