"""Words of a question: typo repair, stemming, lay-word expansion, key terms.

Shared by lexical retrieval (which words to search), the composer (which words the
quoted sentence must support) and the scope check (is this about clonus at all).
All word lists live in `data/` with a note on where they come from.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import Stemmer
from rapidfuzz.distance import OSA
from rapidfuzz.process import extractOne
from spellchecker import SpellChecker

from ._data import data_lines, data_words

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_TYPED_WORD = re.compile(r"[A-Za-z]+")
MIN_CORRECTABLE_WORD_CHARS = 5
LONG_WORD_CHARS = 7
# Stemmers leave some families apart ("failing" -> fail, "failure" -> failur); an article
# stem that extends a question stem of at least MIN_VARIANT_STEM_CHARS by at most
# MAX_VARIANT_SUFFIX_CHARS letters (or the reverse) counts as the same word.
MIN_VARIANT_STEM_CHARS = 5
MAX_VARIANT_SUFFIX_CHARS = 3
# English inflections and prefixes a dictionary word may carry and still be spelled right.
_INFLECTION_SUFFIXES = ("s", "es", "ed", "d", "ing", "er", "ers", "ly")
_WORD_PREFIXES = ("re", "un", "over", "under", "pre", "mis", "non")
_OBJECT_PRONOUNS = frozenset({"it", "them", "him", "her", "this", "that"})


@lru_cache(maxsize=1)
def medicine_names() -> frozenset[str]:
    """Names of the medicines the article lists, generic and brand (data/medicine_names.txt)."""
    return data_words("medicine_names.txt")


def tokenize(text: str) -> list[str]:
    """Lower-case words without accents ("kinésithérapie" -> "kinesitherapie"); possessive 's is
    dropped ("body's" -> "body")."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(ch))
    words = _WORD.findall(plain.replace("’", "'"))
    return [word[:-2] if word.endswith("'s") else word for word in words]


@dataclass(frozen=True)
class TermGroup:
    """One idea of the question: the word as typed and the stem sequences that express it.

    A passage supports the group when every stem of one alternative occurs in it.
    `known` is False for a word the article and the lexicon never use: such a word
    names something the article does not talk about.
    """

    word: str
    alternatives: tuple[tuple[str, ...], ...]
    known: bool


@dataclass(frozen=True)
class QueryTerms:
    """What the analyzer made of one text."""

    words: tuple[str, ...]
    corrections: tuple[tuple[str, str], ...]
    key_groups: tuple[TermGroup, ...]
    search_stems: tuple[str, ...]
    on_topic: bool

    @property
    def unknown_words(self) -> tuple[str, ...]:
        return tuple(group.word for group in self.key_groups if not group.known)

    @property
    def corrected_text(self) -> str:
        return " ".join(self.words)


@lru_cache(maxsize=1)
def _dictation_splits() -> tuple[tuple[re.Pattern[str], str], ...]:
    rules = (line.split("\t") for line in data_lines("dictation_splits.tsv"))
    return tuple((re.compile(pattern, re.IGNORECASE), word) for pattern, word in rules)


def rejoin_dictation_splits(text: str) -> str:
    """The text with names dictation split into ordinary words put back ("clone us" -> "clonus"):
    split, neither the word check nor the encoder recognises the name."""
    for pattern, word in _dictation_splits():
        text = pattern.sub(word, text)
    return text


@lru_cache(maxsize=1)
def _dialect_spellings() -> tuple[re.Pattern[str], dict[str, str]]:
    spellings = dict(line.split("\t") for line in data_lines("dialect_spellings.tsv"))
    words = "|".join(sorted(map(re.escape, spellings), key=len, reverse=True))
    return re.compile(rf"(?<![\w'])({words})(?![\w'])", re.IGNORECASE), spellings


def standard_spelling(text: str) -> str:
    """The text with Scots and Northern English spellings in standard English ("wear aff" -> "wear off"):
    the article, the lexicon and the red-flag patterns are all standard English."""
    pattern, spellings = _dialect_spellings()
    return pattern.sub(lambda match: spellings[match.group().lower()], text)


def without_words(text: str, words: tuple[str, ...]) -> str:
    """`text` with every whitespace-separated token that contains one of `words` left out."""
    dropped = {word for phrase in words for word in phrase.split()}
    return " ".join(token for token in text.split() if not dropped & set(tokenize(token)))


class TermAnalyzer:
    """Built from the indexed passages, so typo repair only ever maps onto the article's words.

    `dictionary_words` are words known to be spelled right (the embedding model's
    word-piece vocabulary), so "life" is never "repaired" into the article's "lift".
    """

    def __init__(self, passages: list[str], dictionary_words: frozenset[str] = frozenset()) -> None:
        self._stemmer = Stemmer.Stemmer("english")
        self.stopwords = data_words("stopwords.txt")
        self.generic_words = data_words("generic_terms.txt")
        self.topic_words = data_words("topic_terms.txt")
        self.lexicon = self._read_lexicon()
        # The longest lexicon phrase bounds the search, so every entry can match ("sleeping half the day").
        self._longest_phrase_words = max(map(len, self.lexicon), default=1)
        passage_words = [set(tokenize(text)) for text in passages]
        self.corpus_words = frozenset().union(*passage_words) if passage_words else frozenset()
        lexicon_words = {word for phrase in self.lexicon for word in phrase}
        # Every word of the lexicon is a word to repair slips onto ("noding off"), but only a
        # one-word entry makes its word a known term alone: "tube" of "MRI tube" names nothing
        # the article discusses ("is a feeding tube safe?").
        self.known_words = self.corpus_words | lexicon_words | self.topic_words
        one_word_entries = {phrase[0] for phrase in self.lexicon if len(phrase) == 1}
        self.term_words = self.corpus_words | one_word_entries | self.topic_words
        self.dictionary_words = dictionary_words
        # Most frequent article words first: on a tie, a slip is more likely a slip of a common word.
        frequency = {word: sum(word in words for words in passage_words) for word in self.known_words}
        self._correction_targets = sorted(
            (word for word in self.known_words if len(word) >= MIN_CORRECTABLE_WORD_CHARS - 1 and word.isalpha()),
            key=lambda word: (-frequency[word], word),
        )
        passage_stems = [set(self.stems(text)) for text in passages]
        self._passage_count = len(passage_stems)
        self._document_frequency: dict[str, int] = {}
        for stems in passage_stems:
            for stem in stems:
                self._document_frequency[stem] = self._document_frequency.get(stem, 0) + 1
        # Stems of one family share their first MIN_VARIANT_STEM_CHARS letters: look only there.
        self._stems_by_head: dict[str, list[str]] = {}
        for stem in sorted(self._document_frequency):
            if len(stem) >= MIN_VARIANT_STEM_CHARS:
                self._stems_by_head.setdefault(stem[:MIN_VARIANT_STEM_CHARS], []).append(stem)

    def _read_lexicon(self) -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        lexicon: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
        for line in data_lines("lexicon.tsv"):
            term, _, expansions = line.partition("\t")
            key = tuple(tokenize(term))
            alternatives = tuple(tuple(tokenize(phrase)) for phrase in expansions.split("|") if phrase.strip())
            lexicon[key] = lexicon.get(key, ()) + alternatives
        return lexicon

    def stem(self, word: str) -> str:
        return self._stemmer.stemWord(word)

    def stems(self, text: str) -> list[str]:
        return self._stemmer.stemWords(tokenize(text))

    def content_stems(self, text: str) -> list[str]:
        return [self.stem(word) for word in tokenize(text) if word not in self.stopwords]

    def idf(self, alternative: tuple[str, ...]) -> float:
        """Rarer stems say more about which passage answers; unseen stems say the most."""
        frequency = min((self._document_frequency.get(stem, 0) for stem in alternative), default=0)
        return math.log((self._passage_count + 1) / (frequency + 0.5))

    def variants(self, stem: str) -> tuple[str, ...]:
        """Article stems of the same word family when the stemmer split them (empty when the stem itself occurs)."""
        if stem in self._document_frequency or len(stem) < MIN_VARIANT_STEM_CHARS:
            return ()
        return tuple(
            other
            for other in self._stems_by_head.get(stem[:MIN_VARIANT_STEM_CHARS], ())
            if (other.startswith(stem) or stem.startswith(other))
            and abs(len(other) - len(stem)) <= MAX_VARIANT_SUFFIX_CHARS
        )

    def correct(self, word: str) -> str:
        """The article's word one or two typing slips away, or the word itself."""
        if (
            len(word) < MIN_CORRECTABLE_WORD_CHARS
            or not word.isalpha()
            or word in self.known_words
            or word in self.stopwords
            or word in self.generic_words
        ):
            return word
        closest = _closest(word, tuple(self._correction_targets))
        if self.spelled_right(word) and self.stem(closest) != self.stem(word):
            return word  # a real word, not a slip: only its other inflection ("aches" -> "ache") is taken
        return closest

    def spelled_right(self, word: str) -> bool:
        """A dictionary word, or one with a common prefix or inflection ("redoing", "bounces", "nodded").

        The model's vocabulary lists base forms and frequent words only; without this,
        "redoing" would be "repaired" into the article's "riding".
        """
        if word in self.dictionary_words:
            return True
        for prefix in _WORD_PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= MIN_CORRECTABLE_WORD_CHARS - 1:
                if self.spelled_right(word[len(prefix):]):
                    return True
        for suffix in _INFLECTION_SUFFIXES:
            base = word[: -len(suffix)]
            if word.endswith(suffix) and len(base) >= 2:
                doubled = len(base) > 3 and base[-1] == base[-2]
                if {base, base + "e", base[:-1] if doubled else base} & self.dictionary_words:
                    return True
        return False

    def analyze(self, text: str) -> QueryTerms:
        typed = tokenize(standard_spelling(text))
        words = [self.correct(word) for word in typed]
        corrections = tuple((a, b) for a, b in zip(typed, words) if a != b)
        groups: list[TermGroup] = []
        search_stems: list[str] = []
        position = 0
        while position < len(words):
            phrase, alternatives = self._lexicon_match(words, position)
            if phrase:
                position += len(phrase)
            else:
                phrase, alternatives = (words[position],), ()
                position += 1
            if len(phrase) == 1 and self._not_key(phrase[0]):
                search_stems.extend(self.stem(w) for w in phrase if w not in self.stopwords)
                continue
            if any(group.word == " ".join(phrase) for group in groups):
                continue  # "can clonus be in the knee? my knee ..." asks about the knee once
            own = tuple(self.stem(w) for w in phrase)
            variants = tuple(
                own[:i] + (variant,) + own[i + 1 :] for i, stem in enumerate(own) for variant in self.variants(stem)
            )
            stem_alternatives = (own, *variants) + tuple(tuple(self.stem(w) for w in alt) for alt in alternatives)
            known = (
                any(w in self.term_words for w in phrase)
                or bool(alternatives)
                or all(stem in self._document_frequency for stem in own)
                or bool(variants)
            )
            groups.append(TermGroup(" ".join(phrase), stem_alternatives, known))
            search_stems.extend(stem for alternative in stem_alternatives for stem in alternative)
        on_topic = any(word in self.topic_words for word in words)
        return QueryTerms(tuple(words), corrections, tuple(groups), tuple(dict.fromkeys(search_stems)), on_topic)

    def _not_key(self, word: str) -> bool:
        """Function words, the subject itself, and numbers (ages, years, "8yo") name no idea to look for."""
        return word in self.stopwords or word in self.generic_words or any(ch.isdigit() for ch in word)

    def _lexicon_match(
        self, words: list[str], position: int
    ) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        # A phrasal verb may hold its object between its words: "brings it on" is "brings on".
        split = tuple(words[position : position + 3])
        if len(split) == 3 and split[1] in _OBJECT_PRONOUNS and (split[0], split[2]) in self.lexicon:
            return split, self.lexicon[(split[0], split[2])]
        for length in range(self._longest_phrase_words, 0, -1):
            phrase = tuple(words[position : position + length])
            if len(phrase) == length and phrase in self.lexicon:
                return phrase, self.lexicon[phrase]
        return (), ()


class SlipRepair:
    """Typing slips repaired onto one small vocabulary, for patterns that spell their words out.

    The red-flag patterns match words as typed, so "he cant get his breth" or "mate just
    colapsed" would pass them by; the analyzer's repair maps onto the article's words only.
    A word spelled right is never changed, so "breathe" stays "breathe". A dropped final g
    is put back first ("fittin", "stoppin"), whatever the word, when the word with it is
    spelled right.
    """

    def __init__(self, vocabulary: frozenset[str], spelled_right: Callable[[str], bool]) -> None:
        self.vocabulary = vocabulary
        self.spelled_right = spelled_right
        self._targets = tuple(sorted(vocabulary))

    def repair(self, text: str) -> str:
        return _TYPED_WORD.sub(lambda match: self._repaired(match.group()), text)

    def _repaired(self, typed: str) -> str:
        word = typed.lower()
        if len(word) < MIN_CORRECTABLE_WORD_CHARS or word in self.vocabulary or self.spelled_right(word):
            return typed
        if word.endswith("in") and self.spelled_right(word + "g"):
            repaired = word + "g"
        else:
            repaired = _closest(word, self._targets)
        # The English word list is consulted only for a word that would change ("beeping" is no
        # slip of "bleeding"), so most messages never load it.
        if repaired == word or word in common_english_words():
            return typed
        return repaired


@lru_cache(maxsize=1)
def common_english_words() -> frozenset[str]:
    """English words spelled right: pyspellchecker's list, built from subtitles and web text, holds
    only words seen at least 50 times ("beeping" 13,633 times, "itchy" 2,567; the slips "colapsed" and
    "breth" are not in it). The embedding model's vocabulary lists frequent words only, so without
    these a red-flag pattern would read a pump "beeping" as "bleeding". Loading takes about 0.25 s."""
    return frozenset(SpellChecker(language="en").word_frequency.dictionary)


@lru_cache(maxsize=4096)
def _closest(word: str, targets: tuple[str, ...]) -> str:
    """Nearest target by optimal-string-alignment distance (a swap counts as one slip); ties go to the earlier target."""
    allowed = 2 if len(word) >= LONG_WORD_CHARS else 1
    candidates = [t for t in targets if t[0] == word[0] and abs(len(t) - len(word)) <= allowed]
    match = extractOne(word, candidates, scorer=OSA.distance, score_cutoff=allowed)
    return match[0] if match else word


def model_dictionary_words(model_location: str) -> frozenset[str]:
    """Whole words of a BERT-style `vocab.txt` (word pieces and special tokens left out)."""
    vocab = Path(model_location) / "vocab.txt"
    if not vocab.is_file():
        return frozenset()
    return frozenset(
        line for line in vocab.read_text(encoding="utf-8").splitlines() if line.isalpha() and line.islower()
    )
