"""Forms for signing in and resetting a password, with GOV.UK-style messages.

Each message a person can see is a module constant so tests can assert it.
"""

import re

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fixed, Layout, Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

ENTER_USERNAME = _("Enter your username")
ENTER_PASSWORD = _("Enter your password")
# Says neither which part was wrong nor whether the account exists.
WRONG_USERNAME_OR_PASSWORD = _("The username or password is not right. Check them and try again.")
USERNAME_TOO_LONG = _("Usernames are 150 characters or fewer. Check your username and try again.")
PASSWORD_TOO_LONG = _("Passwords are 4,096 characters or fewer. Check your password and try again.")
ACCOUNT_SWITCHED_OFF = _("This account has been switched off. Ask your administrator to switch it back on.")
ENTER_EMAIL = _("Enter your work e-mail address")
EMAIL_FORMAT = _("Enter an e-mail address in the correct format, like name@example.org")
ENTER_NEW_PASSWORD = _("Enter a new password")
CONFIRM_NEW_PASSWORD = _("Enter the new password again")
PASSWORDS_DO_NOT_MATCH = _("The passwords do not match. Enter the same password twice.")
# The second factor (partnership/two_factor.py).
ENTER_CODE = _("Enter the 6-digit code from your authenticator app")
CODE_FORMAT = _("Enter the code as 6 numbers, like 123456")
WRONG_CODE = _("The code is not right or has run out. Enter the code your authenticator app shows now.")


def _helper(*fields, button: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False  # the template owns the <form>, so it can add links beside it
    helper.layout = Layout(*fields, Submit("submit", button))
    return helper


class SignInForm(AuthenticationForm):
    """Step one of signing in. Django's ``AuthenticationForm.clean`` calls
    ``authenticate(request, ...)`` with the request, which django-axes needs to count failures
    and lock out (SEC-3); step two is the code page (partnership/two_factor.py)."""

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
        # Django sets the username's max_length after the field is made, so no validator
        # checks it: without these, a 20,000-character username reached django-axes's
        # attempt log (a 255-character column) and was a server error on PostgreSQL.
        username.validators.append(MaxLengthValidator(150, message=USERNAME_TOO_LONG))
        password.validators.append(MaxLengthValidator(4096, message=PASSWORD_TOO_LONG))
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


class SecurityCodeForm(forms.Form):
    """The 6-digit code from an authenticator app. Spaces and dashes are ignored, so a code
    typed as it is shown ("123 456") works. Whether it is right is for the view to ask the
    device, which also throttles repeated wrong codes."""

    code = forms.CharField(
        label=_("Code"),
        help_text=_("The code changes every 30 seconds. Enter the one the app shows now."),
        max_length=20,
        error_messages={"required": ENTER_CODE, "max_length": CODE_FORMAT},
    )

    def __init__(self, *args, button=None, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        code = self.fields["code"]
        if label is not None:
            code.label = label
        code.widget.attrs.update(
            {
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "autocapitalize": "none",
            }
        )
        self.helper = _helper(Field.text("code", field_width=Fixed.FIVE), button=button or _("Continue"))

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(r"[0-9]{6}", code):
            raise forms.ValidationError(CODE_FORMAT, code="format")
        return code
