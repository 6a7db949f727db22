"""Every text renders: each SMS fits two segments of GSM-7 with long, realistic
values (names with æ, ø and å, the longest link the budget allows), each e-mail has
its subject, and no text holds a token or an unfilled mark."""

from __future__ import annotations

import re
from datetime import date, time

import pytest

from course.messages import reminders, rules, texts
from course.messages.digest import FollowUpDue, StepDue, TodaySession, TodayTalk
from course.messages.outbox import Office_
from course.settings import ROOT

OFFICE = Office_("NAV Sandefjord og Andebu – Ungdomsteamet", "+47 33 41 23 45")
LINK = "https://klartjegkan.nav.no/p/" + "x" * 43  # as long as texts.LINK_BUDGET
LONG = {
    "first_name": "Marie-Kristine",
    "staff_name": "Åse Bjørnstad Lærum",
    "office": OFFICE,
    "title": "Klart jeg kan – Ny retning høst 2027",
    "number": 8,
    "theme": "Nettverk og veien videre",
    "day": date(2027, 9, 30),  # torsdag 30. september: the longest day's words
    "start": time(9, 0),
    "end": time(14, 30),
    "location": "Frivilligsentralen, Storgata 118, 2. etg.",
    "bring": max(reminders.BRING.values(), key=len),  # what to bring goes in the e-mail only
    "closes_on": date(2027, 9, 30),
    "on_own_page": False,
    "participant_name": "Håkon Strømme Kværnå",
    "participant_id": 12345,
    "cohort_id": 123,
    "old_day": date(2027, 9, 29),
    "old_start": time(13, 30),
    "first_number": 7,
    "first_day": date(2027, 9, 28),
    "today": date(2027, 9, 29),
    "sessions": [TodaySession("Klart jeg kan – høst", 3, time(9), time(14), "Møterom Åsen")],
    "talks": [TodayTalk("Bjørg Ækre", time(10), time(10, 45), "Rom 2")],
    "follow_ups": [FollowUpDue(4, "Kåre Nærø", "Klart jeg kan – vår", "3m", date(2027, 9, 1), True)],
    "steps": [StepDue(5, "Liv Østgård", "intake", date(2027, 9, 1), 28, True)],
}


def kinds(channel: str) -> list[str]:
    return sorted(
        p.name.removesuffix(f".{channel}.txt") for p in (ROOT / "templates" / "messages").glob(f"*.{channel}.txt")
    )


def test_the_link_budget_is_the_link_used_here():
    assert len(LINK) == texts.LINK_BUDGET


def test_there_are_texts_for_every_notice():
    assert {
        "session_moved",
        "session_cancelled",
        "cohort_cancelled",
        "cohort_moved",
        "talk_moved",
        "talk_cancelled",
    } <= set(kinds("sms"))
    assert set(kinds("sms")) <= set(kinds("email"))
    assert {"talk_no_show", "absence_alert", "daily_digest", "evaluation_open"} <= set(kinds("email"))


@pytest.mark.parametrize("kind", kinds("sms"))
@pytest.mark.parametrize("on_own_page", [False, True])
@pytest.mark.parametrize("theme", ["", LONG["theme"]])
def test_every_sms_fits_two_segments_of_gsm7(kind, on_own_page, theme):
    text = texts.render(kind, "sms", {**LONG, "on_own_page": on_own_page, "theme": theme})
    sent = texts.with_link(text.body, LINK)
    segments = rules.sms_segments(sent)
    assert segments.encoding == "gsm7", [c for c in sent if c not in rules.GSM_BASIC | rules.GSM_EXTENDED]
    assert segments.count <= rules.MAX_SMS_SEGMENTS, (segments, sent)
    assert "Hei Marie-Kristine!" in sent and OFFICE.phone in sent
    assert "[[" not in sent


# The e-mails of the notices and alerts written here (other kinds have tests of their own).
EMAILS = [
    "session_reminder",
    "talk_reminder",
    "session_moved",
    "session_cancelled",
    "cohort_cancelled",
    "cohort_moved",
    "talk_moved",
    "talk_cancelled",
    "talk_no_show",
    "absence_alert",
    "evaluation_open",
    "daily_digest",
]


@pytest.mark.parametrize("kind", EMAILS)
def test_every_email_has_a_subject_and_the_office(kind):
    text = texts.render(kind, "email", LONG)
    assert text.subject and "\n" not in text.subject and "Emne" not in text.body
    assert OFFICE.name in text.body
    sent = texts.with_link(text.body, LINK, "https://klartjegkan.nav.no")
    assert "[[" not in sent and "\n\n\n" not in sent
    # The office's phone on a line of its own, not run into the greeting.
    assert "Ungdomsteamet" + "Telefon" not in sent


@pytest.mark.parametrize("kind", ["talk_no_show", "absence_alert"])
def test_staff_alerts_name_the_participant_and_link_their_page(kind):
    text = texts.render(kind, "email", LONG)
    assert "Håkon Strømme Kværnå" in text.body and "Håkon" not in text.subject
    sent = texts.with_link(text.body, None, "https://klartjegkan.nav.no")
    assert "https://klartjegkan.nav.no/participants/12345" in sent


def test_a_participant_text_holds_the_link_mark_never_a_link():
    for kind in kinds("sms"):
        for channel in ("sms", "email"):
            body = texts.render(kind, channel, LONG).body
            assert texts.LINK_MARK in body or kind == "cohort_cancelled"
            assert not re.search(r"/p/\w", body)


def test_the_digest_lists_each_part():
    body = texts.with_link(texts.render("daily_digest", "email", LONG).body, None, "https://kjk.test")
    for words in (
        "Kl. 09:00–14:00: Klart jeg kan – høst, samling 3, Møterom Åsen",
        "Kl. 10:00–10:45: Bjørg Ækre, Rom 2",
        "Kåre Nærø: 3 måneder etter Klart jeg kan – vår, fra onsdag 1. september (på overtid)",
        "Liv Østgård: mottakssamtalen, 28 dager (over målet)",
        "https://kjk.test/participants/4",
    ):
        assert words in body
