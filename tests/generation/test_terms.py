"""Candidate answers and their types, read from the whole document."""

from quizzes.generation.terms import build_document


def doc_of(*bodies):
    return build_document([(f"Section {n}", body) for n, body in enumerate(bodies)])


def kinds(doc):
    return {term.display: term.kind for term in doc.terms.values()}


SUMMIT = (
    "Russian President Vladimir V. Putin met with North Korea’s Kim Jong-un, marking his "
    "first visit in nearly twenty-five years. Putin and Kim share goals: challenge the "
    "United States and strengthen ties.",
    "Kim Jong-un welcomed Putin with a grand reception in Pyongyang. They rode in a "
    "Russian-made limousine. The Putin-Kim alliance alarms Washington. NATO and other "
    "bodies are closely monitoring developments in Asia. Analysts wonder about the outcomes.",
)


def test_people_places_and_organisations_are_typed():
    doc = doc_of(*SUMMIT)
    found = kinds(doc)
    assert found["Vladimir V. Putin"] == "person"
    assert found["Kim Jong-un"] == "person"
    assert found["North Korea"] == "place"
    assert found["United States"] == "place"
    assert found["Pyongyang"] == "place"
    assert found["NATO"] == "organisation"
    assert found["Asia"] == "place"
    assert doc.terms["north korea"].subtype == "country"
    assert doc.terms["pyongyang"].subtype == "city"
    assert doc.terms["asia"].subtype == "continent"


def test_a_surname_joins_the_full_name():
    doc = doc_of(*SUMMIT)
    assert doc.resolve["putin"] == "vladimir v. putin"
    assert doc.resolve["kim"] == "kim jong-un"
    assert set(doc.terms["vladimir v. putin"].forms) == {"Vladimir V. Putin", "Putin"}


def test_adjectives_compounds_and_sentence_openers_are_not_names():
    found = kinds(doc_of(*SUMMIT))
    for word in ("Russian", "Russian-made", "Putin-Kim", "Analysts", "Russian President"):
        assert word not in found


def test_titles_roles_and_appositives_type_people_and_places():
    doc = doc_of(
        "In 1814 the German inventor Friedrich Koenig built a press for a newspaper in London. "
        "Bi Sheng, a Chinese craftsman, invented movable type made of baked clay. "
        "Mawsynram, a village in the state of Meghalaya in India, gets a lot of rain. "
        "Gutenberg died in his home city of Mainz in 1468. Gutenberg borrowed money. "
        "The Committee of Public Safety ruled by fear. Critics in the U.S. Senate argued. "
        "The National Aeronautics and Space Administration, better known as NASA, was new."
    )
    found = kinds(doc)
    assert found["Friedrich Koenig"] == "person"
    assert found["Bi Sheng"] == "person"
    assert found["Mawsynram"] == "place"
    assert found["Mainz"] == "place"
    assert doc.terms["mainz"].subtype == "city"
    assert found["Committee of Public Safety"] == "organisation"
    assert found["National Aeronautics and Space Administration"] == "organisation"
    assert found["U.S. Senate"] == "organisation"


def test_numbers_years_dates_and_percentages():
    doc = doc_of(
        "About 97 percent of the water is salt water, and 3% is fresh. "
        "Gutenberg printed about 180 copies around 1455, and Caxton worked in the 1470s. "
        "The Diamond Sutra was printed in 868 CE. Patrols begin on May 25, 1961, at dawn. "
        "Earth holds 1.4 billion cubic kilometres and 11,000 lakes in nearly twenty-five places. "
        "The 42-line Bible has two columns, and the two governments met in Apollo 11."
    )
    by_kind = {}
    for term in doc.terms.values():
        by_kind.setdefault(term.kind, []).append(term.display)
    assert sorted(by_kind["percentage"]) == ["3%", "97 percent"]
    assert sorted(by_kind["year"]) == ["1455", "1470s", "868 CE"]
    assert by_kind["date"] == ["May 25, 1961"]
    assert by_kind["number"] == ["180", "1.4 billion", "11,000", "twenty-five", "two"]
    assert doc.terms["num:25"].quantity.words


def test_definitions_and_called_terms():
    doc = doc_of(
        "Evaporation is the process in which liquid water changes into a gas called water vapour. "
        "The vapour escapes through tiny pores called stomata. "
        "A drainage basin, also called a watershed, is the whole area of land that drains into "
        "a river. The largest single cell is the egg of the ostrich. "
        "Scribes wrote on parchment, a writing material made from animal skin."
    )
    terms = {term.display: term for term in doc.terms.values() if term.kind == "term"}
    assert set(terms) == {
        "evaporation",
        "water vapour",
        "stomata",
        "drainage basin",
        "watershed",
        "parchment",
    }
    mentions = {m.text: m for s in doc.sentences for m in s.mentions if m.family == "term"}
    assert mentions["evaporation"].definition.startswith("the process in which")
    assert mentions["drainage basin"].alias == "watershed"
    assert mentions["stomata"].description == "tiny pores"
    assert mentions["parchment"].definition == "a writing material made from animal skin"
