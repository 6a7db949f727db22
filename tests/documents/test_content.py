"""The pure rules of a resource CV and an action plan (course.documents.content):
what ``check`` keeps and tidies, which field each error names, and that a web form
carries any clean content there and back unchanged. No database."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from course.documents import content as rules
from course.errors import InvalidInput

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def errors_of(kind: str, content) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        rules.check(kind, content)
    return caught.value.errors


# --- strategies ---------------------------------------------------------------------------

# Letters with æ, ø and å, digits, punctuation and every kind of space a user may type.
LETTERS = "abcdefghijklmnopqrstuvwxyzæøåABCÆØÅéü0123456789-.,:;!?()/'\"<>&"
SPACES = " \t\u00a0\u2009\u3000"
messy = st.text(alphabet=LETTERS + SPACES, max_size=40)
word = st.text(alphabet=LETTERS, min_size=1, max_size=12)
filled_line = st.tuples(messy, word, messy).map("".join)  # something left after tidying
iso_date = st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)).map(date.isoformat)
multiline = st.tuples(
    st.lists(st.one_of(messy, st.just(""), st.just("  \t ")), max_size=6), st.sampled_from(["\n", "\r\n", "\r"])
).map(lambda t: t[1].join(t[0]))


def column_value(column: rules.Column):
    if column.kind == "date":
        return st.one_of(st.none(), st.just(""), iso_date)
    if column.kind == "choice":
        return st.one_of(st.none(), st.just(""), st.sampled_from([v for v, _ in column.choices]))
    if column.kind == "text":  # several lines; a required one with something left after tidying
        return st.tuples(multiline, filled_line, multiline).map("\n".join)
    return filled_line if column.required else st.one_of(st.none(), messy)


def row_value(section: rules.Section):
    return st.fixed_dictionaries({c.key: column_value(c) for c in section.columns})


def section_value(section: rules.Section):
    if section.kind == "text":
        return st.one_of(st.none(), multiline)
    if section.kind == "line":
        return st.one_of(st.none(), messy)
    if section.kind == "date":
        return st.one_of(st.none(), st.just(""), iso_date)
    if section.kind == "lines":
        return st.one_of(st.none(), st.lists(st.one_of(messy, filled_line), max_size=6))
    # Rows: real ones, and empty ones that are left out.
    empty_row = st.fixed_dictionaries(
        {
            c.key: st.sampled_from([None, "", "   "]) if c.kind == "line" else st.sampled_from([None, ""])
            for c in section.columns
        }
    )
    return st.one_of(st.none(), st.lists(st.one_of(row_value(section), empty_row), max_size=5))


def valid_content(kind: str):
    return st.fixed_dictionaries({}, optional={s.key: section_value(s) for s in rules.SECTIONS[kind]})


kinds = st.sampled_from(rules.KINDS)
valid = kinds.flatmap(lambda kind: st.tuples(st.just(kind), valid_content(kind)))

json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**6), 10**6), st.floats(allow_nan=False), st.text(max_size=20)
)
junk = st.recursive(
    json_leaf,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=25,
)


def section_junk(kind: str):
    """Objects with the real section (and column) names and values of any JSON type."""
    keys = [s.key for s in rules.SECTIONS[kind]] + ["nope"]
    columns = sorted({c.key for s in rules.SECTIONS[kind] for c in s.columns} | {"nope"})
    cell = st.one_of(json_leaf, junk)
    row = st.one_of(cell, st.dictionaries(st.sampled_from(columns), cell, max_size=5))
    return st.dictionaries(st.sampled_from(keys), st.one_of(cell, st.lists(row, max_size=4)), max_size=8)


# --- what clean content looks like ------------------------------------------------------------


def assert_tidy(kind: str, clean: dict) -> None:
    assert list(clean) == [s.key for s in rules.SECTIONS[kind]]  # every section, in order
    for section in rules.SECTIONS[kind]:
        value = clean[section.key]
        if section.kind == "text":
            assert isinstance(value, str) and value == value.strip() and "\n\n\n" not in value
            for line in value.split("\n"):
                assert line == " ".join(line.split()), repr(line)
        elif section.kind == "line":
            assert isinstance(value, str) and value == " ".join(value.split())
        elif section.kind == "date":
            assert value is None or date.fromisoformat(value).isoformat() == value
        elif section.kind == "lines":
            assert isinstance(value, list)
            for line in value:
                assert line and line == " ".join(line.split())
        else:
            assert isinstance(value, list)
            for row in value:
                assert list(row) == [c.key for c in section.columns]
                assert any(row.values())
                for column in section.columns:
                    cell = row[column.key]
                    if column.required:
                        assert cell
                    if column.default:
                        assert cell  # filled in when left out
                    if column.kind == "choice":
                        assert cell is None or cell in {v for v, _ in column.choices}
                    elif column.kind == "date":
                        assert cell is None or date.fromisoformat(cell).isoformat() == cell
                    elif column.kind == "text":
                        assert isinstance(cell, str) and cell == cell.strip() and "\n\n\n" not in cell
                        assert all(line == " ".join(line.split()) for line in cell.split("\n")), repr(cell)
                    else:
                        assert isinstance(cell, str) and cell == " ".join(cell.split())


@SETTINGS
@given(valid)
def test_check_tidies_and_is_idempotent(case):
    kind, content = case
    clean = rules.check(kind, content)
    assert_tidy(kind, clean)
    assert rules.check(kind, clean) == clean


@SETTINGS
@given(kinds.flatmap(lambda kind: st.tuples(st.just(kind), st.one_of(junk, section_junk(kind)))))
def test_any_json_is_either_clean_or_names_each_bad_field(case):
    kind, content = case
    sections = {s.key for s in rules.SECTIONS[kind]}
    try:
        clean = rules.check(kind, content)
    except InvalidInput as exc:
        assert exc.errors
        for key in exc.errors:
            head = key.split(".")[0]
            assert key == "content" or head in sections or key in content, key
        return
    assert_tidy(kind, clean)


def to_form(kind: str, clean: dict) -> dict[str, str]:
    """Clean content as the fields a browser posts: a textarea per list, one line each,
    and ``<section>-<row>-<column>`` with ``<section>-rows`` for a table."""
    form: dict[str, str] = {}
    for section in rules.SECTIONS[kind]:
        value = clean[section.key]
        if section.kind == "lines":
            form[section.key] = "\r\n".join(value)
        elif section.kind == "rows":
            form[f"{section.key}-rows"] = str(len(value) + 2)  # and two empty rows, as on the page
            for i, row in enumerate(value):
                for column in section.columns:
                    form[f"{section.key}-{i}-{column.key}"] = row[column.key] or ""
        else:
            form[section.key] = value or ""
    return form


@SETTINGS
@given(valid)
def test_clean_content_survives_the_form_unchanged(case):
    kind, content = case
    clean = rules.check(kind, content)
    assert rules.check(kind, rules.from_form(kind, to_form(kind, clean))) == clean


form_fields = st.sampled_from(
    [
        "version",
        "about_me",
        "skills",
        "main_goal",
        "follow_up_date",
        "experience-rows",
        "measures-rows",
        "measures-0-what",
        "measures-0-deadline",
        "measures-0-status",
        "network-rows",
        "references-rows",
    ]
)


@SETTINGS
@given(kinds, st.dictionaries(form_fields, st.text(max_size=30), max_size=8))
@example("plan", {"measures-rows": "²"})  # str.isdigit() is true, int() refuses it
@example("cv", {"experience-rows": "٣"})  # Arabic-Indic three: a digit int() takes
@example("cv", {"network-rows": "9" * 5000})  # more digits than int() converts
def test_from_form_takes_any_posted_text(kind, data):
    """Whatever a (hostile) browser posts, from_form gives content for ``check``: it
    never raises, so a bad row count cannot end in a server error."""
    content = rules.from_form(kind, data)
    assert set(content) == {s.key for s in rules.SECTIONS[kind]}
    for section in rules.SECTIONS[kind]:
        if section.kind == "rows":
            assert len(content[section.key]) <= rules.MAX_ITEMS + 1
    try:
        rules.check(kind, content)
    except InvalidInput:
        pass


# --- examples -------------------------------------------------------------------------------


def test_the_tidying_spelled_out():
    clean = rules.check(
        "cv",
        {
            "about_me": "  Jeg   heter Sølvi,\t og bor på  Årstad. \r\n\r\n\r\n\r\n  Jeg liker å gå tur.  ",
            "skills": ["  Sykle  ", "", "   ", "Lage \u00a0 mat", None],
            "experience": [
                {"kind": "work", "what": " Sommerjobb  på Bøler ", "where": "", "when": "2025"},
                {},
                {"what": "  ", "where": None, "kind": ""},
            ],
            "languages": [{"language": "Norsk", "level": "Morsmål"}, {"language": "", "level": ""}],
        },
    )
    assert clean["about_me"] == "Jeg heter Sølvi, og bor på Årstad.\n\nJeg liker å gå tur."
    assert clean["skills"] == ["Sykle", "Lage mat"]
    assert clean["experience"] == [{"kind": "work", "what": "Sommerjobb på Bøler", "where": "", "when": "2025"}]
    assert clean["languages"] == [{"language": "Norsk", "level": "Morsmål"}]
    assert clean["driving_licence"] == "" and clean["network"] == [] and clean["references"] == []


def test_a_measure_without_status_is_planned_and_an_empty_one_is_dropped():
    clean = rules.check(
        "plan",
        {
            "measures": [
                {"what": "Søke sommerjobb på Kiwi Ås"},
                {"what": "", "status": "", "deadline": ""},
                {"what": "Møte på Nav-kontoret", "responsible": "nav", "deadline": "2027-02-03", "status": "done"},
            ],
            "follow_up_date": "",
            "agreed_date": "2027-01-15",
        },
    )
    assert clean["measures"] == [
        {
            "what": "Søke sommerjobb på Kiwi Ås",
            "responsible": None,
            "responsible_other": "",
            "deadline": None,
            "status": "planned",
        },
        {
            "what": "Møte på Nav-kontoret",
            "responsible": "nav",
            "responsible_other": "",
            "deadline": "2027-02-03",
            "status": "done",
        },
    ]
    assert clean["follow_up_date"] is None and clean["agreed_date"] == "2027-01-15"


A_LINE, A_TEXT = "å" * rules.MAX_LINE, "ø" * rules.MAX_TEXT


@pytest.mark.parametrize(
    "kind,content",
    [
        (
            "cv",
            {
                "about_me": A_TEXT,
                "skills": [A_LINE],
                "driving_licence": A_LINE,
                "experience": [{"what": A_LINE, "where": A_LINE}],
            },
        ),
        (
            "plan",
            {
                "main_goal": A_TEXT,
                "sub_goals": [A_LINE] * rules.MAX_ITEMS,
                "measures": [{"what": A_LINE}] * rules.MAX_ITEMS,
                "follow_up_how": A_LINE,
            },
        ),
    ],
)
def test_the_limits_themselves_are_allowed(kind, content):
    clean = rules.check(kind, content)
    for key, value in content.items():
        assert len(clean[key]) == len(value)


MEASURES = [{"what": "Ringe Åsa"}, {"what": "Skrive søknad"}]


@pytest.mark.parametrize(
    "kind,content,key",
    [
        ("cv", {"hobbies": ["Fotball"]}, "hobbies"),
        ("plan", {"about_me": "Jeg heter Ørjan."}, "about_me"),  # a CV section is no plan section
        ("cv", {"experience": [{"what": "Sommerjobb", "salary": "120 kr"}]}, "experience.0.salary"),
        ("plan", {"measures": [*MEASURES, {"what": "Møte", "deadline": "2027-02-30"}]}, "measures.2.deadline"),
        ("plan", {"measures": [{"what": "Møte", "deadline": "03.02.2027"}]}, "measures.0.deadline"),
        ("plan", {"follow_up_date": "neste uke"}, "follow_up_date"),
        ("plan", {"agreed_date": "2027-1-5"}, "agreed_date"),
        ("plan", {"measures": [*MEASURES, {"what": "Møte", "status": "finished"}]}, "measures.2.status"),
        ("plan", {"measures": [{"what": "Møte", "responsible": "Åse"}]}, "measures.0.responsible"),
        ("cv", {"experience": [{"what": "Dugnad", "kind": "job"}]}, "experience.0.kind"),
        ("cv", {"skills": ["Sykle", "x" * (rules.MAX_LINE + 1)]}, "skills.1"),
        ("cv", {"driving_licence": "B" * (rules.MAX_LINE + 1)}, "driving_licence"),
        ("cv", {"network": [{"name": "Mormor", "support": "æ" * (rules.MAX_LINE + 1)}]}, "network.0.support"),
        ("cv", {"about_me": "ø" * (rules.MAX_TEXT + 1)}, "about_me"),
        ("plan", {"main_goal": "å" * (rules.MAX_TEXT + 1)}, "main_goal"),
        ("plan", {"measures": [{"deadline": "2027-02-03", "status": "done"}]}, "measures.0.what"),
        ("cv", {"languages": [{"level": "Flytende"}]}, "languages.0.language"),
        ("cv", {"skills": "Sykle"}, "skills"),
        ("cv", {"experience": {"what": "Sommerjobb"}}, "experience"),
        ("cv", {"experience": ["Sommerjobb"]}, "experience.0"),
        ("cv", {"about_me": 42}, "about_me"),
        ("cv", {"about_me": "Hei\x00på deg"}, "about_me"),
        ("cv", {"skills": ["x"] * (rules.MAX_ITEMS + 1)}, "skills"),
        ("plan", {"measures": [{"what": "x"}] * (rules.MAX_ITEMS + 1)}, "measures"),
        ("cv", ["about_me"], "content"),
    ],
)
def test_each_error_names_its_field(kind, content, key):
    assert set(errors_of(kind, content)) == {key}


def test_the_length_errors_say_the_limit():
    with pytest.raises(InvalidInput) as caught:
        rules.check("cv", {"about_me": "ø" * (rules.MAX_TEXT + 1), "skills": ["å" * (rules.MAX_LINE + 1)]})
    messages = caught.value.messages()
    assert str(rules.MAX_TEXT) in messages["about_me"] and str(rules.MAX_LINE) in messages["skills.0"]


def test_every_bad_field_is_named_at_once():
    errors = errors_of(
        "plan",
        {
            "nope": 1,
            "main_goal": "Få jobb",
            "measures": [
                {"what": "Søke", "deadline": "2027-02-30"},
                {},
                {"what": "Ringe", "bogus": 1, "status": "ferdig"},
            ],
        },
    )
    assert set(errors) == {"nope", "measures.0.deadline", "measures.2.bogus", "measures.2.status"}


@pytest.mark.parametrize(
    "key,field",
    [
        ("measures.2.deadline", "measures-2-deadline"),
        ("skills.3", "skills"),
        ("about_me", "about_me"),
        ("experience.0.what", "experience-0-what"),
    ],
)
def test_form_key_points_to_the_field_on_the_page(key, field):
    assert rules.form_key(key) == field


def test_from_form_reads_rows_up_to_the_count_and_lines_per_line():
    content = rules.from_form(
        "plan",
        {
            "main_goal": "Få meg jobb i Bærum",
            "sub_goals": "Skrive CV\r\nSøke tre jobber\n",
            "measures-rows": "3",
            "measures-0-what": "Ringe Åsa",
            "measures-0-deadline": "2027-02-03",
            "measures-1-what": "",
            "measures-2-what": "Møte",
            "measures-3-what": "utenfor tellingen",
        },
    )
    assert content["sub_goals"] == ["Skrive CV", "Søke tre jobber"]
    assert [m["what"] for m in content["measures"]] == ["Ringe Åsa", "", "Møte"]
    clean = rules.check("plan", content)
    assert [(m["what"], m["deadline"], m["status"]) for m in clean["measures"]] == [
        ("Ringe Åsa", "2027-02-03", "planned"),
        ("Møte", None, "planned"),
    ]


# --- the CV for employers ---------------------------------------------------------------------


def test_the_employer_cv_offers_every_cv_section_but_none_of_the_others():
    assert set(rules.EMPLOYER_SECTIONS) == {s.key for s in rules.CV}
    assert set(rules.EMPLOYER_DEFAULT) < set(rules.EMPLOYER_SECTIONS)
    assert not set(rules.EMPLOYER_PRIVATE) & set(rules.EMPLOYER_DEFAULT)
    assert set(rules.EMPLOYER_PRIVATE) == {"improve", "network"}


@given(
    st.lists(st.sampled_from(rules.EMPLOYER_SECTIONS), max_size=30),
    st.dictionaries(st.sampled_from([key for key, _ in rules.CONTACT_FIELDS]), st.booleans()),
)
def test_a_choice_comes_back_once_each_in_print_order_with_every_contact_field(sections, contact):
    chosen, shown = rules.employer_choice(sections, contact)
    assert chosen == [key for key in rules.EMPLOYER_SECTIONS if key in sections]
    assert shown == {**rules.CONTACT_DEFAULT, **contact}
    assert rules.employer_choice(chosen, shown) == (chosen, shown)


@pytest.mark.parametrize(
    ("sections", "contact", "keys"),
    [
        (["about_me", "hobbies", None], {}, {"sections.1", "sections.2"}),
        ("about_me", {}, {"sections"}),
        ([], {"fax": True, "phone": "ja", "email": 1}, {"contact.fax", "contact.phone", "contact.email"}),
        ([["about_me"]], None, {"sections.0", "contact"}),
    ],
)
def test_a_bad_choice_names_each_field(sections, contact, keys):
    with pytest.raises(InvalidInput) as caught:
        rules.employer_choice(sections, contact)
    assert set(caught.value.errors) == keys
