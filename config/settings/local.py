from config.settings.base import *  # noqa: F403
from config.settings.base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# The demo (scripts/dev) signs in without a phone: no second factor in local settings unless
# DJANGO_OTP_REQUIRED=true. Production refuses to start with it off.
ERS_OTP_REQUIRED = env.bool("DJANGO_OTP_REQUIRED", default=False)
