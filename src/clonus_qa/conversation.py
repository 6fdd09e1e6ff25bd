"""Chat history: clean it, keep what a follow-up needs, resolve the follow-up.

"Is it safe to drive on them?" means nothing alone; after "Which drugs are used for
clonus?" it is a question about those drugs. A follow-up is searched together with
the user's previous question, while the evidence check still uses only the new words
-- and, in a message that tells a story before it asks, only the asking sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .reader import followup_search_text
from .safety import MAX_HISTORY_MESSAGES, MAX_QUESTION_CHARS, clean_text
from .terms import TermAnalyzer

ROLES = ("user", "assistant")
# Words that point back to something said before.
_POINTS_BACK = re.compile(
    r"\b(it|its|it's|they|them|their|this|that|these|those|he|she|him|her|one|ones|same)\b"
    r"|(?<!\bis )(?<!\bare )\bthere\b(?!\s+(is|are|was|were|be)\b)"  # "go there", not "is there a link"
    r"|^(and|also|what about|how about|but|so|then|ok|okay)\b",
    re.IGNORECASE,
)


# Words of a follow-up that asks for what comes next or for something besides what was said,
# or for what it leads to ("what does that do to you?"), which an article tells next.
_ASKS_FOR_MORE = re.compile(
    r"\b(else|other|others|another|more|next|after|afterwards|then|besides|apart from|beyond|either|instead|further"
    r"|like what|such as|examples?|for instance|what (does|will|would|can) (that|this|it|all that) do)\b",
    re.IGNORECASE,
)


# Words of a follow-up that asks why what was said happens ("why does that happen?", "by what mechanism").
_ASKS_WHY = re.compile(r"\b(why|how come|mechanism|reason)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Message:
    role: str
    content: str


@dataclass(frozen=True)
class ResolvedQuestion:
    """`search_text` is what retrieval sees; `is_followup` says whether history was used.

    `previous_reply` is the assistant's last message when the question follows up on it:
    what it already quoted is not the answer to "and after that?", which `asks_for_more`
    (what comes next in the article, or something besides what was said).
    A follow-up that `asks_why` looks for the reason the article gives right after that quote
    ("This is because ...").
    """

    search_text: str
    is_followup: bool
    previous_reply: str = ""
    asks_for_more: bool = False
    asks_why: bool = False


def normalize_history(history: object) -> tuple[Message, ...]:
    """Keep the last well-formed messages; anything malformed is dropped, never an error.

    History comes from browsers and JSON lines: it may be missing, not a list, hold
    unknown roles or giant messages. Only the recent turns matter for a follow-up.
    """
    if not isinstance(history, (list, tuple)):
        return ()
    messages = []
    for item in history[-MAX_HISTORY_MESSAGES * 4 :]:
        if not isinstance(item, dict):
            continue
        role, content = item.get("role"), item.get("content")
        if role in ROLES and isinstance(content, str) and content.strip():
            messages.append(Message(role, clean_text(content)[:MAX_QUESTION_CHARS]))
    return tuple(messages[-MAX_HISTORY_MESSAGES:])


# A sentence ends at . ? ! (one or more) followed by a space; "e.g. " and decimals are rare in questions.
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
# Below this many words the last sentence is too thin to stand alone ("why?"): the whole message is the question.
MIN_ASKING_SENTENCE_WORDS = 3


def _sentences(message: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(message.strip()) if part.strip()]


# "and", "also so": words that join a sentence to the one before without pointing back at it.
_LEADING_CONNECTIVES = re.compile(r"^(?:(?:and|also|plus|but|so|or|like|then|oh|ok|okay)\s+)+", re.IGNORECASE)
# A sentence that asks without a question mark, as people type on phones: "also whats the
# best time to take it", "and can i still have a glass of wine with it".
_ASKS_WITHOUT_MARK = re.compile(
    r"^(what|whats|what's|wat|how|why|when|where|which|who|is|are|can|could|do|does|did|will|would|should|may)\b",
    re.IGNORECASE,
)
# "should we put a splint on at night? or a special boot?": a second choice for the question
# before; "or do they grow out of it?" asks a question of its own.
_OFFERS_ANOTHER_CHOICE = re.compile(
    r"^or\s+(?!(what|whats|how|why|when|where|which|who|is|are|can|could|do|does|did|will|would|should|may)\b)",
    re.IGNORECASE,
)
# A question mark that ends the sentence; one inside brackets, "(they called it SDR?).", is an aside.
_ENDS_ASKING = re.compile(r"\?[\s\"'”’]*$")


def question_parts(message: str) -> tuple[str, ...]:
    """Each question of a message that asks several, told with the story around it; () for one question.

    "does gabapentin make you drowsy? and can i still have a glass of wine with it" asks
    one thing the article answers and one it does not. Read as a whole, the message looks
    to the reader like neither, and the whole is declined; each part read with the story
    ("im on baclofen and drive a forklift") can be answered on its own. A later question
    that points back ("Can it leave you paralysed?" after one on the operation) means
    nothing without the question before it, so it is not asked alone; "also is clonus
    contagious" names its own subject.
    """
    sentences = _sentences(message)
    story: list[str] = []
    questions: list[list[str]] = []  # each question with the short fragments that follow it
    for sentence in sentences:
        bare = _LEADING_CONNECTIVES.sub("", sentence)
        if not _ENDS_ASKING.search(sentence) and not _ASKS_WITHOUT_MARK.match(bare):
            story.append(sentence)
        elif questions and (len(sentence.split()) < MIN_ASKING_SENTENCE_WORDS or _OFFERS_ANOTHER_CHOICE.match(sentence)):
            questions[-1].append(sentence)  # "how long is the recovery? weeks? months?" asks one thing
        elif not questions or not _POINTS_BACK.search(bare):
            questions.append([sentence])
        else:
            questions.append([])  # asks, but only together with the question before it
    if len(questions) < 2:
        return ()
    return tuple(" ".join([*story, *question]) for question in questions if question)


# A sentence wholly in brackets is an aside: "Define clonus. (2 marks, short answer)" asks in its first.
_ASIDE = re.compile(r"^\([^()]*\)[.?!]*$")


def asking_sentence(message: str) -> str:
    """The sentence of a chatty message that asks, whose words the quoted answer must contain.

    "Dad's cirrhosis has progressed to liver failure and now his hands keep jerking.
    Could his liver be the reason?" asks about the liver; the story before it is context,
    which still guides the search. The asking part is every sentence with a question
    mark ("What happens in the exam? Do they bend your joints?"), else the last
    sentence; a last sentence typed without its mark ("... gives u clonus? what else is it
    linked to") asks too. When it is very short ("why?"), the whole message is the question. A long
    message with no punctuation at all asks in its last question clause (`_asking_clause`).
    """
    sentences = [s for s in _sentences(message) if not _ASIDE.match(s)] or _sentences(message)
    if len(sentences) < 2:
        return _asking_clause(" ".join(sentences) or message)
    questions = [s for s in sentences if "?" in s]
    last = sentences[-1]
    if questions and last not in questions and _ASKS_WITHOUT_MARK.match(_LEADING_CONNECTIVES.sub("", last)):
        questions.append(last)
    asked = " ".join(questions) if questions else sentences[-1]
    return asked if len(asked.split()) >= MIN_ASKING_SENTENCE_WORDS else message


# A message dictated or typed with no punctuation at all is one long sentence: "i coach a u14 team
# and one of the girls moms has ms does multiple sclerosis lead to clonus". From this many
# words such a sentence is read as story then question, split where a question opens a
# clause: a question word, or an auxiliary followed by its subject ("does multiple", "can
# he"), after a word that cannot end a clause of its own ("it does", "she can", "or is it",
# "and does it" go on the clause before, and "depends on why" or "asked about how" ask
# nothing of their own). A comma, colon or dash is punctuation the writer
# chose: "my MS nurse hinted that constipation can set off the jerking, is that true?" asks
# about constipation.
RUN_ON_MIN_WORDS = 15
_CLAUSE_PUNCTUATION = re.compile(r"[,;:()\u2013\u2014]|\s-\s")
_QUESTION_WORDS = frozenset("what whats how why which".split())
_AUXILIARIES = frozenset("does do did can could is are will would should".split())
_SUBJECT_AFTER = frozenset(
    "i you he she it we they this that these those there the a an my his her our their your any"
    " clonus multiple cerebral physical physio".split()
)
# "ice pack or hot bath which one lol": "which one" chooses among things named before, so it opens no clause of its own.
_POINTS_TO_A_CHOICE = frozenset({"one", "ones"})
_NO_CLAUSE_BEFORE = frozenset(
    "i you he she it we they this that these those there who what which how why where when if whether"
    " not also or and on about of at for to with from by".split()
)


def _asking_clause(sentence: str) -> str:
    """The last clause that opens a question in a long sentence with no punctuation, else the sentence."""
    words = [word.lower().strip(",;:") for word in sentence.split()]
    if len(words) < RUN_ON_MIN_WORDS or _CLAUSE_PUNCTUATION.search(sentence):
        return sentence
    for start in range(len(words) - MIN_ASKING_SENTENCE_WORDS, 0, -1):
        word, before, after = words[start], words[start - 1], words[start + 1]
        opens = (word in _QUESTION_WORDS and after not in _POINTS_TO_A_CHOICE) or (
            word in _AUXILIARIES and after in _SUBJECT_AFTER
        )
        if opens and before not in _NO_CLAUSE_BEFORE:
            return " ".join(sentence.split()[start:])
    return sentence


def resolve_followup(question: str, history: tuple[Message, ...], analyzer: TermAnalyzer) -> ResolvedQuestion:
    """Join the previous user question when this one points back or names no subject of its own."""
    previous = next((m.content for m in reversed(history) if m.role == "user"), None)
    if previous is None:
        return ResolvedQuestion(question, False)
    terms = analyzer.analyze(question)
    points_back = bool(_POINTS_BACK.search(question))
    if points_back or not terms.on_topic:
        reply = next((m.content for m in reversed(history) if m.role == "assistant"), "")
        search_text = followup_search_text(previous, question)
        return ResolvedQuestion(
            search_text, True, reply, bool(_ASKS_FOR_MORE.search(question)), bool(_ASKS_WHY.search(question))
        )
    return ResolvedQuestion(question, False)
