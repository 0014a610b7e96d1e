"""The notification clocks (safeguarding/clocks.py): calendar hours, not working hours, across
weekends and the clock changes, shown in words in London time."""

import datetime as dt

import pytest

from safeguarding.clocks import LONDON, clock, due_by, escalation_level, span_words, when_words


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def test_72_hours_from_friday_afternoon_is_monday_afternoon_weekends_count():
    # Calendar hours: a data-security incident found at 17:00 on a Friday is due at 17:00 on
    # the Monday, not on the Wednesday that 72 working hours would give.
    found = london(2026, 3, 6, 17, 0)  # Friday
    due = due_by(found, 72)
    assert due == london(2026, 3, 9, 17, 0)
    assert due.strftime("%A") == "Monday"


def test_72_hours_across_the_clocks_going_forward_are_72_real_hours():
    # Last Sunday of March 2026 is the 29th: at 01:00 GMT the clocks go to 02:00 BST.
    found = london(2026, 3, 28, 10, 0)  # Saturday, GMT
    due = due_by(found, 72)
    assert due.astimezone(dt.UTC) - found.astimezone(dt.UTC) == dt.timedelta(hours=72)
    assert (due.hour, due.day, due.tzname()) == (11, 31, "BST")
    assert when_words(due) == "Tuesday 31 March 2026 at 11:00 (BST)"


def test_72_hours_across_the_clocks_going_back_are_72_real_hours():
    # Last Sunday of October 2026 is the 25th: at 02:00 BST the clocks go back to 01:00 GMT.
    found = london(2026, 10, 24, 10, 0)  # Saturday, BST
    due = due_by(found, 72)
    assert due.astimezone(dt.UTC) - found.astimezone(dt.UTC) == dt.timedelta(hours=72)
    assert (due.hour, due.day, due.tzname()) == (9, 27, "GMT")


def test_the_time_left_across_the_clock_change_counts_real_hours():
    # Midnight to 06:00 on the night the clocks go forward is five real hours.
    due = london(2026, 3, 29, 6, 0)
    assert clock(due_at=due, now=london(2026, 3, 29, 0, 0)).words == "Due in 5 hours"


def test_a_naive_start_is_refused():
    with pytest.raises(ValueError):
        due_by(dt.datetime(2026, 1, 1, 9, 0), 72)


@pytest.mark.parametrize(
    ("left", "words", "state", "colour"),
    [
        (dt.timedelta(hours=5, minutes=59), "Due in 5 hours", "due_soon", "yellow"),
        (dt.timedelta(minutes=30), "Due in 30 minutes", "due_soon", "yellow"),
        (dt.timedelta(seconds=20), "Due in 1 minute", "due_soon", "yellow"),
        (dt.timedelta(hours=30), "Due in 1 day 6 hours", "due", "blue"),
        (dt.timedelta(hours=71), "Due in 2 days", "due", "blue"),
        (dt.timedelta(0), "Overdue by 1 minute", "overdue", "red"),
        (-dt.timedelta(hours=3), "Overdue by 3 hours", "overdue", "red"),
        (-dt.timedelta(days=2, hours=5), "Overdue by 2 days", "overdue", "red"),
    ],
)
def test_the_clock_says_how_long_is_left_or_how_late_it_is(left, words, state, colour):
    now = london(2026, 6, 1, 12, 0)
    shown = clock(due_at=now + left, now=now)
    assert (shown.words, shown.state, shown.colour) == (words, state, colour)
    assert shown.is_overdue == (state == "overdue")


def test_a_sent_notification_says_whether_it_was_on_time():
    due = london(2026, 6, 1, 12, 0)
    assert clock(due_at=due, now=due, sent_at=due).words == "Sent on time"
    late = clock(due_at=due, now=due, sent_at=due + dt.timedelta(hours=26))
    assert (late.words, late.state) == ("Sent 1 day 2 hours late", "sent_late")


def test_span_words_round_down():
    assert span_words(dt.timedelta(hours=1)) == "1 hour"
    assert span_words(dt.timedelta(hours=24)) == "1 day"
    assert span_words(dt.timedelta(days=9, hours=23)) == "9 days"


def test_escalation_levels_one_when_overdue_and_one_more_each_further_period():
    due = london(2026, 6, 1, 12, 0)
    assert escalation_level(due_at=due, now=due - dt.timedelta(seconds=1), repeat_hours=24) == 0
    assert escalation_level(due_at=due, now=due, repeat_hours=24) == 1
    assert escalation_level(due_at=due, now=due + dt.timedelta(hours=23), repeat_hours=24) == 1
    assert escalation_level(due_at=due, now=due + dt.timedelta(hours=24), repeat_hours=24) == 2
