"""Learner spelling: what the NLU featurizers see of a word."""

from core.text import fold


def test_fold_drops_capitals_and_swedish_letters():
    assert fold("Undersköterska") == "underskoterska"
    assert fold("Vårdbiträde") == "vardbitrade"
    assert fold("MÖTE") == "mote"


def test_fold_keeps_the_length_so_token_offsets_still_hold():
    for word in ("ÅÄÖ", "åäö", "Crème", "Ålder"):
        assert len(fold(word)) == len(word)


def test_fold_leaves_digits_and_codes_readable():
    assert fold("8ND6E9DG") == "8nd6e9dg"
    assert fold("070-123 45 67") == "070-123 45 67"
