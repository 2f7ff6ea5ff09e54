"""Which language a message is written in, when it is clearly not Swedish.

No downloaded model: the script of the letters decides first (Arabic,
Ethiopic, Cyrillic ...), then, inside a script several languages share,
letters and common words of each language (content/languages.yml). Latin
script is decided by word lists only, weighed against a list of Swedish words.

Swedish must never be taken for another language, so a Latin-script guess
needs at least MIN_WORDS words of the language, more than twice as many as
Swedish words, and more than any other language. A word in both a foreign list and the
Swedish list counts for neither ("i", "man", "under"). Anything unsure is None:
the bot then answers in Swedish as before.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterable, List, Optional, Protocol, Set, Tuple

from core.text import fold

# Unicode blocks of each script a language in the content may name.
SCRIPTS: Dict[str, Tuple[Tuple[int, int], ...]] = {
    "latin": ((0x0041, 0x005A), (0x0061, 0x007A), (0x00C0, 0x024F), (0x1E00, 0x1EFF)),
    "arabic": ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
    "cyrillic": ((0x0400, 0x052F), (0x1C80, 0x1C8F), (0x2DE0, 0x2DFF), (0xA640, 0xA69F)),
    "ethiopic": ((0x1200, 0x139F), (0x2D80, 0x2DDF), (0xAB00, 0xAB2F)),
    "greek": ((0x0370, 0x03FF), (0x1F00, 0x1FFF)),
    "hebrew": ((0x0590, 0x05FF),),
    "armenian": ((0x0530, 0x058F),),
    "georgian": ((0x10A0, 0x10FF),),
    "thai": ((0x0E00, 0x0E7F),),
}

# A Latin-script language needs this many of its own words in the message.
MIN_WORDS = 2
# Another script needs this many of its letters, and more than half the letters.
MIN_LETTERS = 2

# Common Swedish words, also as typed without å/ä/ö (folded) and in learner
# spelling. They weigh against a Latin-script guess; a foreign word that is
# also here counts for neither language.
SWEDISH_WORDS: FrozenSet[str] = frozenset(fold(w) for w in """
    jag du han hon vi ni de dom den det detta dessa man en ett mig dig sig oss er dem
    min mitt mina din ditt dina sin sitt sina var vart vara våran hans hennes deras
    är ar e va vad vem vilken vilket vilka varför varfor hur när nar var vart varifrån
    och o att som på pa i med me av af för for till om från fran efter under över
    utan mot vid hos bakom bredvid innan sedan sen nu då sa så här har där dar hit dit
    inte ej int ja jo nej nä ne kanske bara också ocksa mycket mer mest lite mindre
    kan kunna kunde vill ville ska skall skulle måste maste får far fick ha har hade
    göra gor gjorde gå ga går gar gick bli blir blev vara varit finns fanns få
    veta vet vill förstår forstar förstå prata pratar skriva skriver läsa läser
    tala talar säga säger sa jobba jobbar jobb job jobbet jobbet arbete arbeta jobba
    hej hejsan tjena tja hallå hallo tack tackar snälla ok okej okey bra dålig
    god gott goda morgon dag kväll natt vecka år månad timme hejdå adjö
    lön lon tid tider hjälp hjalp fråga fraga frågor svar svenska sverige
    utbildning kurs skola plugga studera vård vard äldre aldre sjukhus
    undersköterska underskoterska vårdbiträde vardbitrade assistent
    mår mar må ma ni nå na än an en is do de där be get
    eller men fast alltså alltsa typ asså liksom
    ingen inget inga någon nagon något nagot några nagra alla allt
    stor liten ny gammal ung gamla nya
    ett två tva tre fyra fem sex sju åtta atta nio tio
""".split())

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# Arabic-script letters that differ only by keyboard (Arabic or Persian
# layout) are written one way, so one word list matches either.
_ARABIC_SAME = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
                              "\u0640": None})  # tatweel, the stretching stroke
# Zero-width (non-)joiners and direction marks: "می‌کنم" is one word.
_INVISIBLE = dict.fromkeys(map(ord, "\u200c\u200d\u200e\u200f"))


class LanguageLike(Protocol):
    """What detection needs of a language in content/languages.yml."""

    id: str
    script: str
    words: List[str]
    letters: str


def script_of(char: str) -> Optional[str]:
    code = ord(char)
    for name, blocks in SCRIPTS.items():
        if any(low <= code <= high for low, high in blocks):
            return name
    return None


def raw_words(text: str) -> List[str]:
    """The words as typed, in lower case."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def same_word(word: str) -> str:
    """A word written one way: å/ä/ö folded, Arabic-script letters unified."""
    return fold(word).translate(_ARABIC_SAME)


def _word_set(words: Iterable[str]) -> FrozenSet[str]:
    return frozenset(same_word(w) for text in words for w in raw_words(text))


@dataclass(frozen=True)
class _Language:
    id: str
    script: str
    words: FrozenSet[str]
    letters: FrozenSet[str]


class LanguageDetector:
    """Detects the languages of content/languages.yml; `detect` gives an id or None."""

    def __init__(self, languages: Iterable[LanguageLike], swedish_words: Iterable[str] = SWEDISH_WORDS) -> None:
        self.languages = [_Language(lang.id, lang.script, _word_set(lang.words),
                                    frozenset(ch for ch in lang.letters.lower() if not ch.isspace()))
                          for lang in languages]
        self.swedish = _word_set(swedish_words)
        latin = [lang.words for lang in self.languages if lang.script == "latin"]
        # Words of both Swedish and another language count for neither.
        self.foreign_latin = frozenset().union(*latin) if latin else frozenset()

    def detect(self, text: str) -> Optional[str]:
        if not text or text.lstrip().startswith("/"):
            return None  # empty, or a button's payload
        counts: Dict[str, int] = {}
        for char in text:
            if char.isalpha():
                name = script_of(char) or "other"
                counts[name] = counts.get(name, 0) + 1
        if not counts:
            return None
        script, most = max(counts.items(), key=lambda item: item[1])
        if script == "latin":
            return self._latin({same_word(w) for w in raw_words(text)})
        if script == "other" or most < MIN_LETTERS or most * 2 <= sum(counts.values()):
            return None
        return self._in_script(script, set(raw_words(text)))

    def _in_script(self, script: str, words: Set[str]) -> Optional[str]:
        """The language of a non-Latin script: its only one, or the one with the
        most words holding its own letters and (counted twice) its own words; the
        first listed on a tie."""
        candidates = [lang for lang in self.languages if lang.script == script]
        if not candidates:
            return None
        same = {same_word(w) for w in words}
        # A listed word says more than a letter that keyboards mix up.
        scores = [(sum(1 for w in words if lang.letters & set(w)) + 2 * len(same & lang.words), -i, lang.id)
                  for i, lang in enumerate(candidates)]
        return max(scores)[2]

    def _latin(self, words: Set[str]) -> Optional[str]:
        candidates = [lang for lang in self.languages if lang.script == "latin" and lang.words]
        if not candidates or not words:
            return None
        swedish = len((words & self.swedish) - self.foreign_latin)
        scores = sorted(((len((words & lang.words) - self.swedish), lang.id) for lang in candidates), reverse=True)
        best, language = scores[0]
        second = scores[1][0] if len(scores) > 1 else 0
        if best >= MIN_WORDS and best > 2 * swedish and best > second:
            return language
        return None


def detect_language(text: str, languages: Iterable[LanguageLike]) -> Optional[str]:
    """One-off detection; build a LanguageDetector once for many messages."""
    return LanguageDetector(languages).detect(text)
