from actions.text_match import best_match, normalize


def test_normalize_folds_swedish_letters_and_punctuation():
    assert normalize("Vad gör en UNDERSKÖTERSKA??") == "vad gor en underskoterska"


CANDIDATES = [
    ("usk", ["undersköterska", "usk"]),
    ("vb", ["vårdbiträde"]),
    ("pa", ["personlig assistent"]),
]


def test_exact_match_without_swedish_letters():
    assert best_match("vad gor en underskoterska", CANDIDATES) == "usk"


def test_misspelled_word_matches():
    assert best_match("lon for vardbitrde", CANDIDATES) == "vb"
    assert best_match("personlig asistent jobb", CANDIDATES) == "pa"


def test_short_names_must_match_whole_words():
    assert best_match("usk lön", CANDIDATES) == "usk"
    assert best_match("busk", CANDIDATES) is None


def test_nothing_found():
    assert best_match("vad är klockan", CANDIDATES) is None
    assert best_match("", CANDIDATES) is None
