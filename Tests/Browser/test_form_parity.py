"""The page's reading and checking of a contributor's form (assets/js/study-form.js) against the
Swift implementation (`CairnStudy`, which `cairn submit` uses): for the same filled-in forms, both
must find the same problems, worded the same, in the same order; and for a good form, both
accept it. The page's port of the rules is only worth its promise if it says what the command line
says."""

import json

import pytest

from conftest import cairn, run_module

QUICKSTART_FORMS = {
    "many problems": "cohort,sector,Charity\nemployees,Female,Male\nEngineering,1.5,x\nSales,0,\n"
                     "salaries,Female,Male\nSales,5000,-3\n",
    "wrong column label": "cohort,sector,Company\nemployees,Female,Men\nEngineering,1,2\n",
    "unknown row": "cohort,sector,Company\nemployees,Female,Male\nMarketing,1,2\nEngineering,1,2\nSales,1,1\n",
    "repeated row": "cohort,sector,Company\nemployees,Female,Male\nEngineering,1,2\nEngineering,3,4\nSales,1,1\n",
    "unclosed quote": "cohort,sector,Company\nemployees,Female,Male\nEngineering,\"1,2\nSales,1,1\n",
    "separators and signs": "cohort,sector,Company\nemployees,Female,Male\nEngineering,\"1,000\",\"12,34\"\n"
                            "Sales,100001,+4\nsalaries,Female,Male\nEngineering,\"$52,000\",52000.00\nSales,5e3,\" 7 \"\n",
    "no cohort answer": "employees,Female,Male\nEngineering,1,2\nSales,1,1\n",
    "unknown table": "cohort,sector,Company\nwages,Female,Male\nEngineering,1,2\n",
    "extra cells": "cohort,sector,Company\nemployees,Female,Male,,\nEngineering,1,2,,\nSales,1,1,3\n",
    "thousands separator, last cell empty": "cohort,sector,Company\nemployees,Female,Male\nEngineering,1,2\nSales,1,1\n"
                                            "salaries,Female,Male\nEngineering,74,607,\nSales,5000,6000\n",
    "thousands separators in padded lines": "cohort,sector,Company,,\nemployees,Female,Male,,\nEngineering,1,2,,\nSales,1,1,,\n"
                                            "salaries,Female,Male,,\nEngineering,1,234,567,,\nSales,0,6000,,\n",
    "good": "\ufeffcohort,sector,Non-profit\r\n# a comment\r\nemployees,female, MALE \r\nEngineering,12,15\r\nSales,3,4\r\n\r\n"
            "salaries,Female,Male\r\nEngineering,1140000,1395000\r\nSales,201000,262000\r\n",
}

# A study exercising what the quick start does not: label lists and combinations, decimal places,
# minimum and maximum with overrides, months, and notGreaterThan.
RULES_STUDY = {
    "id": "parity",
    "title": "Parity",
    "labelLists": {"teams": ["North", "South"], "people": {"combine": [["Staff", "Managers"], ["Female", "Male"]]}},
    "tables": [
        {"id": "total", "title": "Total pay", "kind": "money", "rows": "teams", "columns": "people"},
        {"id": "bonus", "title": "Bonuses", "kind": "money", "rows": "teams", "columns": "people",
         "overrides": [{"row": "South", "validation": {"maximum": 50000}},
                       {"row": "South", "column": "Managers / Male", "validation": {"required": True}}]},
        {"id": "tenure", "title": "Length of service", "kind": "months", "rows": "teams", "columns": "people"},
        {"id": "rating", "title": "Average rating", "kind": "number", "rows": ["North", "South"], "columns": ["Score"],
         "validation": {"decimalPlaces": 2, "minimum": -5, "maximum": 5}},
    ],
    "rules": [{"rule": "notGreaterThan", "tables": ["bonus", "total"]}],
    "statistics": {"compute": ["count", "sum", "mean"], "minimumCellSize": 3},
    "recipients": ["analyst"],
}

RULES_FORMS = {
    "rules": "total,Staff / Female,Staff / Male,Managers / Female,Managers / Male\n"
             "North,100000,90000,,200000\nSouth,50000,,70000,80000\n"
             "bonus,Staff / Female,Staff / Male,Managers / Female,Managers / Male\n"
             "North,100001,0,5,\nSouth,60000,,,\n"
             "tenure,Staff / Female,Staff / Male,Managers / Female,Managers / Male\n"
             "North,12.5,-1,7,8\n"
             "rating,Score\nNorth,-5.01\nSouth,4.125\n",
    "good": "total,Staff / Female,Staff / Male,Managers / Female,Managers / Male\n"
            "North,100000,90000,,200000\nSouth,50000,,70000,80000\n"
            "bonus,Staff / Female,Staff / Male,Managers / Female,Managers / Male\n"
            "North,1000,0,,\nSouth,5000,,,7000\n"
            "tenure,Staff / Female,Staff / Male,Managers / Female,Managers / Male\n"
            "rating,Score\nNorth,-4.5\nSouth,\"4.25\"\n",
}


@pytest.fixture
def rules_link(service, deployment, tmp_path):
    _, quickstart = deployment
    definition = dict(RULES_STUDY, computeParties=json.loads(quickstart.read_text())["computeParties"])
    path = tmp_path / "parity.json"
    path.write_text(json.dumps(definition))
    credential = service.create_study(path)
    return path, service.make_links("parity", credential, 1)[0]["url"]


@pytest.fixture
def quickstart_link(service, deployment):
    _, definition = deployment
    credential = service.create_study(definition)
    return definition, service.make_links("quickstart", credential, 1)[0]["url"]


def swift_problems(link, form_path):
    """The problems `cairn submit` finds in a form, one per line as it prints them; [] if none."""
    result = cairn("submit", "--link", link, "--file", form_path, check=False)
    if result.returncode == 0:
        return []
    lines = [line[4:] for line in result.stderr.splitlines() if line.startswith("  - ")]
    assert lines, f"cairn submit failed without listing problems:\n{result.stderr}"
    return lines


def page_problems(browser, definition, text):
    return run_module(browser, "/assets/js/study-form.js", """
        const [definition, text] = args;
        return m.readCSVForm(definition, text).problems.map((problem) => problem.text);
    """, definition, text)


@pytest.mark.parametrize("case", sorted(QUICKSTART_FORMS))
def test_the_page_and_cairn_submit_find_the_same_problems(case, service, quickstart_link, browser, tmp_path):
    definition_path, link = quickstart_link
    definition = json.loads(definition_path.read_text())
    form = tmp_path / "form.csv"
    form.write_bytes(QUICKSTART_FORMS[case].encode())
    browser.get(service.url + "/")
    expected = swift_problems(link, form)
    assert page_problems(browser, definition, QUICKSTART_FORMS[case]) == expected
    assert (expected == []) == (case == "good")
    if case == "many problems":
        assert len(expected) == 6, expected


@pytest.mark.parametrize("case", sorted(RULES_FORMS))
def test_label_lists_decimals_overrides_and_rules_alike(case, service, rules_link, browser, tmp_path):
    definition_path, link = rules_link
    definition = json.loads(definition_path.read_text())
    form = tmp_path / "form.csv"
    form.write_text(RULES_FORMS[case])
    browser.get(service.url + "/")
    expected = swift_problems(link, form)
    assert page_problems(browser, definition, RULES_FORMS[case]) == expected
    assert (expected == []) == (case == "good")
    if case == "rules":
        # notGreaterThan, an override's maximum and required, not whole, negative, below the
        # minimum, too many decimal places: every one found, not just the first.
        assert len(expected) >= 7, expected
