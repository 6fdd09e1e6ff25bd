"""What the assistant must not answer, and the fixed wording it uses instead.

Every user-facing safety text lives in this module, reviewed as one set:
the disclaimer, emergency guidance, the crisis line, the medication caution,
and the decline messages. Detection rules live in `data/` with their sources.

Order of checks (see `SafetyGate.run`): urgent first — an emergency outranks every
other consideration — then out of scope; medication questions are answered with a
notice attached.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._data import data_lines, data_words
from .embedding import Encoder
from .probes import URGENT_PROBABILITY, MessageProbes
from .terms import QueryTerms, SlipRepair, TermGroup, medicine_names, standard_spelling, tokenize

MAX_QUESTION_CHARS = 1_000
MAX_HISTORY_MESSAGES = 6
# The urgency probe reads a sentence of a longer message alone only from this many words: out of
# context a fragment reads as alarm ("mine's sore as owt" 0.88, "we're trying for a baby." 0.88).
# Chosen on the dev split: from 6 words two false alarms fewer (20 -> 18 of 2,433) and every
# one of the 600 emergencies still caught, as at 1 to 5 words; 7 and 8 the same as 6. Short
# emergencies ("she's not breathing") are the patterns' to catch.
MIN_WORDS_READ_ALONE = 6
# A sentence that opens with a question word, or with an auxiliary before its subject ("is
# this gonna go away or am i stuck w it"), asks, typed with or without its question mark.
_OPENS_WITH_QUESTION_WORD = re.compile(
    r"\s*((what|what's|whats|why|how|which)\b"
    r"|(is|are|am|was|will|would|can|could|does|do|did|should|might|may)\s+"
    r"(this|that|it|he|she|they|i|you|u|we|my|his|her|their|there|clonus)\b)",
    re.IGNORECASE,
)
# A message that only asks ("why am I so wiped out after my legs have been going all evening?",
# "will it stay forever?") reports nothing by itself, so the urgency probe must be surer of it
# than of one that tells (probes.URGENT_PROBABILITY, 0.65). Chosen on the dev split: of the
# messages that only ask and match no red-flag pattern, six harmless ones read from 0.65 to 0.8
# (tiredness after clonus, "forever?", head lice) and one emergency, "doesn't seem to be
# breathing", which a pattern now catches; the next emergency read 0.83.
ONLY_ASKS_URGENT_PROBABILITY = 0.8
# The reader's probability of an answer from which a question is in scope whatever its words
# (chosen on the dev split: every answerable question the word check put out of scope was
# above it, and one off-topic request of 109, which the redirect patterns catch).
IN_SCOPE_ANSWER_PROBABILITY = 0.7

DISCLAIMER = (
    "This is general information from one article, not medical advice. "
    "Talk to a doctor, nurse or pharmacist about your own situation."
)
EMERGENCY_GUIDANCE = (
    "This may be an emergency. Call your local emergency number now (for example 911 in the US, "
    "112 in Europe, 999 in the UK) or go to the nearest emergency department. Do not wait to see "
    "whether it passes, and do not drive yourself."
)
CRISIS_GUIDANCE = (
    "If you are thinking about suicide or harming yourself, you are not alone: call or text a crisis "
    "line now (988 in the US, Samaritans 116 123 in the UK and Ireland) or your local emergency number."
)
POISON_GUIDANCE = (
    "For a possible overdose or poisoning, also call your poison control centre (1-800-222-1222 in the US) "
    "and keep the medicine packet to show the responders."
)
BLEEDING_GUIDANCE = (
    "While you wait for help, press firmly on the wound with a clean cloth and keep pressing."
)
MEDICATION_NOTICE = (
    "Medication: do not start, stop or change a medicine or its dose without the prescriber or a "
    "pharmacist. The article gives no doses."
)
PARTLY_ANSWERED_NOTICE = (
    "Your message asks more than one thing, and the article answers only the part quoted here. "
    "A doctor, nurse or pharmacist can help with the rest."
)
NOT_FOUND_TEXT = (
    "The article does not answer this question. A doctor, nurse or pharmacist can help with it."
)
OUT_OF_SCOPE_TEXT = (
    "I can only answer questions about clonus from one health article (\"Clonus, When the Muscle "
    "Continues to Twitch and Contract\"): what clonus is, its causes, how it is diagnosed and how it "
    "is treated. Try, for example: \"What causes clonus?\" or \"How is clonus treated?\""
)
EMPTY_QUESTION_TEXT = "Please type a question about clonus, for example: \"What causes clonus?\""
TOO_LONG_TEXT = (
    f"The question is longer than {MAX_QUESTION_CHARS} characters. Please ask one shorter question."
)
NO_WORDS_TEXT = "Please ask your question in words, for example: \"How is clonus treated?\""

SELF_HARM_FLAG = "self_harm"
_GUIDANCE_BY_FLAG = {SELF_HARM_FLAG: CRISIS_GUIDANCE, "overdose": POISON_GUIDANCE, "bleeding": BLEEDING_GUIDANCE}
# Red-flag patterns are matched sentence by sentence, so a past event in one sentence
# does not hide an emergency reported in the next.
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")
# The urgency probe leaves out background told as past clause by clause: a date is often
# one clause of a sentence ("had a stroke last spring, what's a good soup recipe?").
_CLAUSE_END = re.compile(r"(?<=[.!?;,])\s+")
# "it" or "this" standing for the subject of the conversation ("will this shorten his life?").
_POINTS_AT_THE_SUBJECT = re.compile(r"\b(it|this)\b", re.IGNORECASE)
_ASKING_VERBS = ("is", "was", "will", "would", "can", "could", "does", "did", "should")
# The same, as read when clonus is named in its place: "this" only as a pronoun ("is this normal?",
# "will I ever compete again with this"), not as in "this season" or "this morning".
_STANDS_FOR_THE_SUBJECT = re.compile(
    r"\bit\b|\bthis\b(?=\s*($|[^\w\s]|(is|was|will|would|can|could|does|did|has|have|go|goes|get|gets|happens?|"
    r"means?|makes?|hurts?|be|ever|always|really|just|thing|condition|stuff)\b))"
    r"|(?:" + "|".join(f"(?<=\\b{verb} )" for verb in _ASKING_VERBS) + r")this\b",
    re.IGNORECASE,
)
# The scope probe's off-topic probability under which a message, read with clonus named for its
# "it", is about clonus: lower than OFF_TOPIC_PROBABILITY, since naming clonus pulls any message
# toward the topic (dev: "who won the footy last night? missed it" falls to 0.16, "does it hurt?"
# to 0.01; at the probe's own 0.8 thirteen off-topic dev questions became not-found declines
# instead of refusals, at 0.35 four, for the same five questions gained).
NAMED_SUBJECT_OFF_TOPIC_PROBABILITY = 0.35
# ... but not the "it" of "is it safe to fly?" or "it's fine to ...", which stands for what follows.
_DUMMY_IT = re.compile(
    r"\b(is|was|would|will|isn't|wouldn't)\s+it\s+(be\s+)?(safe|ok|okay|alright|fine|possible|true|worth|normal|wise|allowed)\b"
    r"|\bit('s|\s+is)\s+(safe|ok|okay|alright|fine|possible|true|worth|normal|wise|allowed)\b",
    re.IGNORECASE,
)
# Unicode categories removed from user text: controls (Cc) and format characters (Cf),
# which include the bidi overrides that can make text display in a misleading order.
_REMOVED_CATEGORIES = ("Cc", "Cf")



def _asks(sentence: str) -> bool:
    """A question, typed with its mark or opening with a question word."""
    return sentence.rstrip().endswith("?") or bool(_OPENS_WITH_QUESTION_WORD.match(sentence))


def only_asks(message: str) -> bool:
    """Is every sentence of the message a question?"""
    sentences = [sentence for sentence in _SENTENCE_END.split(message) if sentence.strip()]
    return bool(sentences) and all(_asks(sentence) for sentence in sentences)


def name_the_subject(message: str) -> str:
    """The message with each "it" or "this" that stands for the conversation's subject read as "clonus"."""
    dummies = [match.span() for match in _DUMMY_IT.finditer(message)]

    def named(match: re.Match[str]) -> str:
        inside_dummy = any(start <= match.start() < end for start, end in dummies)
        return match.group(0) if inside_dummy else "clonus"

    return _STANDS_FOR_THE_SUBJECT.sub(named, message)


def _tab_patterns(name: str) -> list[tuple[str, re.Pattern[str]]]:
    pairs = []
    for line in data_lines(name):
        label, _, pattern = line.partition("\t")
        pairs.append((label, re.compile(pattern, re.IGNORECASE)))
    return pairs


def clean_text(text: str) -> str:
    """Drop control and invisible format characters; line breaks and tabs become spaces."""
    text = text.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    kept = "".join(ch for ch in text if unicodedata.category(ch) not in _REMOVED_CATEGORIES)
    return re.sub(r" {2,}", " ", kept).strip()


def input_problem(question: str) -> str | None:
    """Why a cleaned question cannot be answered at all, or None."""
    if not question:
        return EMPTY_QUESTION_TEXT
    if len(question) > MAX_QUESTION_CHARS:
        return TOO_LONG_TEXT
    if not any(ch.isalnum() for ch in question):
        return NO_WORDS_TEXT
    return None


@dataclass(frozen=True)
class Triage:
    """The safety verdict on one message. `decline` is None when the pipeline should answer."""

    decline: str | None = None
    red_flags: tuple[str, ...] = ()
    medication: bool = False  # asks how to use a medicine: the quote must say something beyond it
    about_medicine: bool = False  # names a medicine, or pills, meds, Botox: the notice alone
    subject_named: bool = False  # in scope only once its "it" is read as clonus (name_the_subject)

    @property
    def urgent(self) -> bool:
        return bool(self.red_flags)

    def guidance(self) -> str:
        """Emergency guidance first, then the extra line each red flag calls for."""
        extra = [_GUIDANCE_BY_FLAG[flag] for flag in dict.fromkeys(self.red_flags) if flag in _GUIDANCE_BY_FLAG]
        return " ".join([EMERGENCY_GUIDANCE, *extra])

    def notices(self) -> tuple[str, ...]:
        return (MEDICATION_NOTICE,) if self.medication or self.about_medicine else ()


class SafetyGate:
    """Urgent, out-of-scope and medication checks on one message (and its resolved follow-up)."""

    def __init__(
        self,
        probes: MessageProbes | None = None,
        encoder: Encoder | None = None,
        spelled_right: Callable[[str], bool] | None = None,
    ) -> None:
        """Without trained `probes` only the patterns detect emergencies and medication questions.

        The `encoder` re-encodes a message without its background clauses told as past, so
        the urgency probe reads what is told as happening now, and encodes each sentence of a
        message of several, which the probe also reads alone; without it the probe reads the
        whole message. With `spelled_right` (a dictionary check) the patterns read the message
        with its slips of their own words repaired; without it they read it as typed.
        """
        self.probes = probes
        self.encoder = encoder
        self.red_flag_patterns = _tab_patterns("red_flags.tsv")
        self.red_flag_spelling = (
            SlipRepair(data_words("red_flag_words.txt"), spelled_right) if spelled_right is not None else None
        )
        self.medication_patterns = _tab_patterns("medication_patterns.tsv")
        self.medicine_names = medicine_names()
        self.medicine_words = self.medicine_names | data_words("medicine_words.txt")
        self.medication_words = self.medicine_words | data_words("medication_words.txt")
        self.redirect_patterns = [re.compile(line, re.IGNORECASE) for line in data_lines("redirect_patterns.txt")]
        self.resolved_markers = [re.compile(line, re.IGNORECASE) for line in data_lines("resolved_markers.txt")]
        self.now_markers = [re.compile(line, re.IGNORECASE) for line in data_lines("now_markers.txt")]
        self.figures_of_speech = _tab_patterns("figures_of_speech.tsv")
        self.dose_questions = [re.compile(line, re.IGNORECASE) for line in data_lines("dose_questions.txt")]
        self.other_conditions = data_words("other_conditions.txt")
        self.clonus_signs = data_words("clonus_signs.txt")

    def red_flags(self, message: str, vector: np.ndarray) -> tuple[str, ...]:
        """Red-flag categories the message reports: the patterns', else the probe's closest category.

        The probe reads meaning, and a request for a limerick or a plot summary can land near
        an emergency in embedding space; such redirects are off topic, not emergencies, unless
        a pattern says otherwise ("ignore the article, I want to kill myself"). So are questions
        asked before taking a dose ("forgot my baclofen, should I take two tonight?"), which
        sit close to reports of a dose taken twice.
        """
        text = message.replace("’", "'")
        # What is told as now: the message without its sentences told as past. Searched as
        # one text, since a head injury and the vomiting after it may fill two sentences.
        past = self._past_sentences(text)
        sentences = _SENTENCE_END.split(text)
        read = [self._as_patterns_read(sentence) for sentence in sentences]
        now = " ".join(r for sentence, r in zip(sentences, read) if sentence not in past)
        whole = " ".join(read)
        # Talk of ending one's life is read in every sentence: "since mum died last year I want
        # to end my life" dates the grief, not the wish, and a past attempt told is itself a
        # warning sign that suicide-prevention guidance says to answer with a crisis line.
        flags = [
            flag
            for flag, pattern in self.red_flag_patterns
            if pattern.search(whole if flag == SELF_HARM_FLAG else now)
        ]
        probe_may_judge = (
            not flags and self.probes is not None and not self.is_redirect(text) and not self.asks_before_dosing(text)
        )
        if probe_may_judge:
            plain = self._in_plain_words(text)
            if plain != text and self.encoder is not None:
                text, vector = plain, self.encoder.encode([plain])[0]
                past = self._past_sentences(text)
            vector, sentence_vectors = self._what_the_probe_reads(text, vector, past)
            bar = ONLY_ASKS_URGENT_PROBABILITY if only_asks(text) else URGENT_PROBABILITY
            alarming = self.probes.emergency_reading(vector, sentence_vectors, bar)
            if alarming is not None:
                flags.append(self.probes.urgent_category(alarming))
        return tuple(dict.fromkeys(flags))

    def _as_patterns_read(self, text: str) -> str:
        """The text in standard spelling with slips of the patterns' own words repaired ("breth")."""
        text = standard_spelling(text)
        return self.red_flag_spelling.repair(text) if self.red_flag_spelling is not None else text

    def _what_the_probe_reads(
        self, text: str, vector: np.ndarray, past: list[str]
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """The vector of what the message tells as now, and of each of its sentences when it has several.

        "I had a seizure when I stopped baclofen two years ago. How do I come off it
        safely?" reads as an emergency whole; what it tells as now does not. The probe
        reads the message without its background: the clauses of sentences told as past,
        and clauses told as past themselves ("had a stroke last spring, what's a good soup
        recipe?"), that hold no red-flag wording. A
        message that is all background is read whole, and so is one whose past-told
        sentence holds red-flag wording ("chest tightness when I'm anxious (had it
        checked, heart is fine)"), where the clauses cannot be told apart safely. The
        sentences of what is read that tell rather than ask are then also read one by one
        (dev: one false alarm fewer, no emergency lost). Without an encoder the
        message's own vector is all there is.
        """
        if self.encoder is None or self._reports_red_flag(past):
            return vector, None
        background, foreground_clauses = [], []
        for sentence in _SENTENCE_END.split(text):
            # A sentence told as past is background in all its clauses: in "Came off a motorbike
            # two years ago, fractured skull, ICU for a week" only the first names the date.
            sentence_is_past = sentence in past
            for clause in _CLAUSE_END.split(sentence):
                if (sentence_is_past or self._told_as_past(clause)) and not self._reports_red_flag([clause]):
                    background.append(clause)
                else:
                    foreground_clauses.append(clause)
        foreground = " ".join(foreground_clauses)
        reread = bool(background and foreground)
        told_now = [s for s in _SENTENCE_END.split(foreground if reread else text) if s.strip()]
        # A sentence that asks is not read alone: it tells nothing by itself, and "What is
        # actually going wrong in his body?" alone sounds like an emergency (0.95), with or
        # without its question mark.
        telling = [
            s
            for s in told_now
            if not _asks(s) and len(s.split()) >= MIN_WORDS_READ_ALONE
        ]
        texts = ([foreground] if reread else []) + (telling if len(told_now) > 1 else [])
        if not texts:
            return vector, None
        vectors = self.encoder.encode(texts)
        return (vectors[0], vectors[1:]) if reread else (vector, vectors)

    def _in_plain_words(self, text: str) -> str:
        """The message with its idioms of worry and tiredness in plain words, which the urgency probe
        would otherwise read literally ("losing my mind")."""
        for meaning, pattern in self.figures_of_speech:
            text = pattern.sub(meaning, text)
        return text

    def _reports_red_flag(self, sentences: list[str]) -> bool:
        return any(pattern.search(sentence) for sentence in sentences for _, pattern in self.red_flag_patterns)

    def _past_sentences(self, text: str) -> list[str]:
        return [sentence for sentence in _SENTENCE_END.split(text) if self._told_as_past(sentence)]

    def _told_as_past(self, sentence: str) -> bool:
        """Does the sentence place what it reports in the past, or say it was checked and is fine,
        without also saying something happens now?"""
        return any(marker.search(sentence) for marker in self.resolved_markers) and not any(
            marker.search(sentence) for marker in self.now_markers
        )

    def asks_before_dosing(self, message: str) -> bool:
        return any(pattern.search(message) for pattern in self.dose_questions)

    def is_redirect(self, message: str) -> bool:
        return any(pattern.search(message) for pattern in self.redirect_patterns)

    def is_medication_question(self, message: str, vector: np.ndarray) -> bool:
        """A dose, change, combination or activity-on-a-medicine question: a pattern, else the probe."""
        if any(pattern.search(message) for _, pattern in self.medication_patterns):
            return True
        return self.probes is not None and self.probes.asks_about_medication(vector)

    def beyond_medication(self, terms: QueryTerms) -> tuple[TermGroup, ...]:
        """Key terms of a medication question besides the medicine and what to do with it."""
        return tuple(
            group for group in terms.key_groups if not set(group.word.split()) <= self.medication_words
        )

    def mentions_medicine(self, message: str, terms: QueryTerms) -> bool:
        """Does the message speak of a medicine ("is clonazepam one they use?", "how does Botox help?")?
        Its key terms catch misspelt names ("backlofen") and one named a turn before ("do any of those
        make you sleepy?")."""
        words = set(tokenize(message)) | {word for group in terms.key_groups for word in group.word.split()}
        return not self.medicine_words.isdisjoint(words)

    def names_medicine(self, terms: QueryTerms) -> bool:
        return any(set(group.word.split()) & self.medicine_names for group in terms.key_groups)

    def probe_calls_off_topic(self, vector: np.ndarray) -> bool:
        """Naming clonus's subject is not being about it: "flying to Orlando with my daughter
        who has CP, how do I book wheelchair assistance?" names a cause of clonus and asks
        about airports. The scope probe reads what the message asks for."""
        return self.probes is not None and self.probes.calls_off_topic(vector)

    def in_scope(self, terms: QueryTerms, message: str = "") -> bool:
        """About clonus if it names the subject, uses only words the article itself uses, or
        asks about "it" or "this": asked of a clonus assistant, "could my kids inherit it?" is
        about clonus. The scope probe still judges what "it" is in "my laptop keeps crashing,
        how do I fix it?", and "it" in a message that names another illness is that illness
        (a question about one is declined in `run`, `asks_about_another_illness`)."""
        if terms.on_topic:
            return True
        known = [group for group in terms.key_groups if group.known]
        if known and not terms.unknown_words:
            return True
        return self.other_conditions.isdisjoint(tokenize(message)) and bool(
            _POINTS_AT_THE_SUBJECT.search(_DUMMY_IT.sub(" ", message))
        )

    def _about_the_subject_when_named(self, message: str, terms: QueryTerms) -> bool:
        """Is a message about "it" or "this", or one naming no subject, on topic once read as about clonus?

        Asked of a clonus assistant, "Does it hurt? He never complains" means "does clonus
        hurt?", yet the scope probe, reading a bare "it", hears small talk. It reads the
        message again with clonus named; "my laptop keeps crashing, how do I fix it?" still
        reads as off topic with "clonus" in it. A message with no "it" whose words are all the
        article's ("Is hot bath good for him?") is read as asked about clonus ("... for clonus?").
        """
        if self.encoder is None or self.probes is None or terms.on_topic:
            return False
        named = name_the_subject(message)
        if named == message:
            named = f"{message.rstrip(' ?.!')} for clonus?"
        return self.probes.off_topic.probability(self.encoder.encode([named])[0]) < (
            NAMED_SUBJECT_OFF_TOPIC_PROBABILITY
        )

    def asks_about_another_illness(self, message: str, asked: str | None = None) -> bool:
        """Does the asking sentence name an illness the article does not discuss, in a message
        that names no sign of clonus ("What is the best treatment for Parkinson's disease?")?"""
        return self.clonus_signs.isdisjoint(tokenize(message)) and not self.other_conditions.isdisjoint(
            tokenize(asked or message)
        )

    def run(
        self,
        message: str,
        vector: np.ndarray,
        resolved_terms: QueryTerms,
        answer_probability: float = 0.0,
        resolved_vector: np.ndarray | None = None,
        asked: str | None = None,
    ) -> Triage:
        """`message` is the user's latest text; `resolved_terms` and `resolved_vector` include
        the follow-up's context ("how many minutes should I soak for?" after a question on
        home remedies is about clonus; alone it could be about a bath).

        `answer_probability` is the sentence reader's belief that the article answers the
        (resolved) question. From IN_SCOPE_ANSWER_PROBABILITY it keeps in scope a question
        that never names clonus and uses words the article does not ("does PT actually help
        with this?"); the reader also learned off-topic requests as unanswerable. `asked` is
        the sentence of the message that asks (conversation.asking_sentence).
        """
        flags = self.red_flags(message, vector)
        medication = self.is_medication_question(message, vector)
        if flags:
            return Triage(red_flags=flags, medication=medication)
        resolved_vector = vector if resolved_vector is None else resolved_vector
        # How to take a medicine the article names is the article's subject whatever else the
        # message tells ("forgot Mum's lunchtime baclofen, should I give her two at teatime?"
        # reads as an errand to the scope probe); it gets the medication notice, not a refusal.
        # The medicine may be named a turn before ("can I take two tonight?" after a question
        # on baclofen), so the resolved question's terms are read.
        uses_named_medicine = medication and self.names_medicine(resolved_terms)
        subject_named = False
        names_subject = self.in_scope(resolved_terms, message)
        named_in_scope = names_subject and (uses_named_medicine or not self.probe_calls_off_topic(resolved_vector))
        if names_subject and not named_in_scope and answer_probability < IN_SCOPE_ANSWER_PROBABILITY:
            subject_named = self._about_the_subject_when_named(message, resolved_terms)
        in_scope = named_in_scope or subject_named or answer_probability >= IN_SCOPE_ANSWER_PROBABILITY
        if self.is_redirect(message) or self.asks_about_another_illness(message, asked) or not in_scope:
            return Triage(decline=OUT_OF_SCOPE_TEXT, medication=False)
        about_medicine = self.mentions_medicine(message, resolved_terms)
        return Triage(medication=medication, about_medicine=about_medicine, subject_named=subject_named)
