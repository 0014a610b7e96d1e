"""What the notifications part of safeguarding adds to other apps' pages (navigation, home destinations,
person-record alerts, access-log types), called from ``SafeguardingConfig.ready()``."""


def register() -> None:
    pass
