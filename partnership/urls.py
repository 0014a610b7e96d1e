from django.contrib.auth import views as auth_views
from django.urls import path

from partnership import two_factor, views, views_access_log

urlpatterns = [
    path("", views.home, name="home"),
    path("access-log/", views_access_log.access_log, name="access_log"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-in/code/", two_factor.verify, name="otp_verify"),
    path("sign-in/set-up-app/", two_factor.enrol, name="otp_enrol"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password-reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
]
