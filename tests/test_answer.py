"""Sentence selection and citations on the real index."""

from pathlib import Path

import pytest

from clonus_qa import Assistant, Status
from clonus_qa.answer import ANSWER_PREFIX, expected_answer_type
from clonus_qa.chunking import ChunkerSettings
from clonus_qa.corpus import load_corpus
from clonus_qa.index import Index
from clonus_qa.reader import Reading, locate_evidence
from clonus_qa.retrieval import RetrieverKind

pytestmark = pytest.mark.model
PROJECT_DIR = Path(__file__).resolve().parents[1]


def _compose(assistant, question):
    query = assistant.query(question)
    hits = assistant.retrievers[RetrieverKind.HYBRID].run(query)
    return assistant.composer.run(question, query, hits, query)


def test_a_sentence_that_explains_the_one_before_is_quoted_with_it(assistant):
    answer = _compose(assistant, "why would kidney failure bring on clonus?")
    assert answer.status is Status.ANSWERED
    assert "kidney failure can also result in clonus. This is because waste" in answer.answer


def test_every_quote_is_a_contiguous_verbatim_run_of_its_passage(assistant, article_text):
    for question in ("How do doctors check for clonus?", "Can I drive on baclofen?", "does a hot bath help?"):
        answer = _compose(assistant, question)
        for citation in answer.citations:
            assert citation.quote in citation.text and citation.text in article_text
            assert answer.answer.startswith(ANSWER_PREFIX)
            assert len(answer.answer) < 600


def test_not_found_offers_related_reading_but_quotes_nothing(assistant):
    answer = _compose(assistant, "Is clonus contagious?")
    assert answer.status is Status.NOT_FOUND
    assert answer.citations == () and answer.related
    assert all(c.quote == "" for c in answer.related)


def test_support_is_the_idf_weighted_share_of_key_terms(assistant):
    terms = assistant.analyzer.analyze("Does baclofen cause caffeine cravings?")
    composer = assistant.composer
    assert composer.support((), frozenset()) == 1.0
    assert composer.support(terms.key_groups, frozenset()) == 0.0
    baclofen_only = composer.support(terms.key_groups, frozenset({"baclofen"}))
    assert 0 < baclofen_only < 0.5, "two unknown words outweigh one known drug name"


def test_passages_made_only_of_a_list_introduction_do_not_break_declines(assistant):
    index = Index.build(load_corpus(PROJECT_DIR / "corpus"), assistant.encoder, ChunkerSettings(200, 0))
    small = Assistant(index, assistant.encoder)
    for question in ("Is clonus contagious?", "what treatments are there", "what is the treatment list"):
        assert _compose(small, question).status in (Status.ANSWERED, Status.NOT_FOUND)


@pytest.mark.parametrize(
    "question,status",
    [
        ("my nan is on dialysis for kidney failure and her arms keep jerking, is there a link", Status.ANSWERED),
        ("can caffeine make clonus worse", Status.NOT_FOUND),
        ("at what age does clonus start", Status.NOT_FOUND),
    ],
)
def test_unknown_words_decline_only_when_the_question_rests_on_them(assistant, question, status):
    assert _compose(assistant, question).status is status


def test_unknown_word_load_measures_how_much_meaning_the_unknown_words_carry(assistant):
    incidental = assistant.query("my nan is on dialysis for kidney failure, is there a link to clonus")
    central = assistant.query("is clonus contagious")
    assert incidental.terms.unknown_words and central.terms.unknown_words
    assert incidental.unknown_word_load < central.unknown_word_load
    assert assistant.query("what causes clonus").unknown_word_load == 0.0


def test_a_sentence_that_says_this_medicine_supports_the_medicines_its_passage_names(assistant):
    composer = assistant.composer
    warning = next(
        (chunk, number) for chunk in assistant.index.chunks for number, span in enumerate(chunk.sentences)
        if chunk.sentence_text(span).startswith("You are not recommended to take this medicine")
    )
    stems = composer._sentence_stems[(warning[0].chunk_id, warning[1])]
    assert {"baclofen", "tizanidin", "drive"} <= stems
    list_sentence = locate_evidence(assistant.index.chunks, "Taking medication, especially")
    assert "baclofen" not in composer._sentence_stems[list_sentence], "only a sentence that points back inherits names"
    answer = _compose(assistant, "can I run a lathe at work on dantrolene?")
    assert answer.status is Status.ANSWERED and "operating a heavy machine" in answer.answer


@pytest.mark.parametrize(
    "question,expected",
    [("how long does an MRI for clonus take", "duration"), ("how often are botox shots needed", "frequency"),
     ("how much does physio cost", "amount"), ("at what age can clonus start", "age"), ("what causes clonus", "cause"),
     ("will clonus shorten his life?", "lifespan"), ("is clonus for life?", None),
     ("how many weeks apart are botox shots", "span"), ("does it mean he has less time left?", "lifespan"),
     ("what are the risks of the nerve op", "risk"), ("any side effects from botox?", "risk"),
     ("is clonus dangerous?", None), ("what can I do myself when his ankle starts?", "self_care"),
     ("any home remedies for clonus", "self_care"), ("can I try it at home first", "self_care"),
     ("anything i can do at my desk when it starts?", "self_care"), ("does clonus run in the family?", "heredity"),
     ("could my kids inherit it from me", "heredity"), ("is botox redone every 3 months?", "interval"),
     ("how often is botox redone, every six months?", "interval"), ("botox again every few months??", None),
     ("the physio counted how many times it jumped, is that the test?", None),
     ("the nurse timed how long it lasted. how long should it last?", "duration"),
     ("what brings it on?", "cause"), ("what actually causes clonus?", "cause"), ("what damages them?", "cause"),
     ("why does clonus even happen", "cause"), ("why does that happen?", None),
     ("is stroke a known cause of clonus", None),
     ("briefly outline the conditions clonus is associated with", "conditions"),
     ("which diseases is it seen in", "conditions"), ("what conditions make clonus worse?", None),
     ("can i just stop the baclofen cold turkey", "stopping"), ("is it ok to come off my tablets", "stopping"),
     ("can I stop the jerking at night?", None)],
)
def test_questions_that_ask_for_a_duration_or_amount_have_an_answer_type(question, expected):
    answer_type = expected_answer_type(question)
    assert (answer_type.name if answer_type else None) == expected


def test_a_question_on_stopping_a_medicine_is_not_answered_by_the_driving_warning(assistant):
    answer = assistant.ask("gabapentin makes me so foggy in lectures, can i just stop it cold turkey or swap to diazepam")
    assert answer.status is Status.NOT_FOUND


def test_a_question_on_what_one_can_do_oneself_quotes_home_care(assistant):
    answer = assistant.ask("things to try at home for sore spasming legs? not keen on more medication")
    assert answer.status is Status.ANSWERED and ("home care" in answer.answer or "cold compresses" in answer.answer)


def test_a_sentence_that_says_how_many_are_counted_gives_no_count(assistant):
    """"The doctor will check and measure how many contractions occur" does not say how many count as clonus."""
    answer = assistant.ask("how many contractions have to happen in the exam for it to be clonus")
    assert answer.status is Status.NOT_FOUND


def test_a_quote_that_states_no_duration_does_not_answer_how_long(assistant):
    assert _compose(assistant, "how long does an MRI for clonus take?").status is Status.NOT_FOUND
    assert _compose(assistant, "how long do the effects of botox injections last?").status is Status.ANSWERED


def test_the_long_term_condition_sentence_does_not_answer_whether_clonus_shortens_life(assistant):
    """The reader learned "is it for life?" on the long-term sentence; a lifespan question needs a quote on survival."""
    long_term = locate_evidence(assistant.index.chunks, "Clonus can be considered a long-term condition")
    believed = Reading(0.95, {long_term: 0.9})
    for question, expected in [("does clonus shorten your life expectancy?", Status.NOT_FOUND),
                               ("is clonus a lifelong condition?", Status.ANSWERED)]:
        query = assistant.query(question)
        hits = assistant.retrievers[RetrieverKind.HYBRID].run(query)
        assert assistant.composer.run(question, query, hits, query, reading=believed).status is expected, question
    story, asked = "my neighbour asked me whether clonus shortens your life.", "what should I say to her?"
    query, message = assistant.query(f"{story} {asked}"), assistant.query(asked)
    hits = assistant.retrievers[RetrieverKind.HYBRID].run(query)
    answer = assistant.composer.run(f"{story} {asked}", query, hits, message, reading=believed)
    assert answer.status is Status.NOT_FOUND, "an asking sentence with no subject leaves the question form to the story"


def test_a_sentence_the_reader_believes_is_a_candidate_even_when_retrieval_missed_it(assistant):
    question = "how do they check for it?"
    query = assistant.query(question)
    hits = assistant.retrievers[RetrieverKind.HYBRID].run(query, 1)
    missed = next(chunk for chunk in assistant.index.chunks if chunk.chunk_id not in {h.chunk.chunk_id for h in hits})
    believed = (missed.chunk_id, 0)
    reading = Reading(0.95, {believed: 0.9})
    answer = assistant.composer.run(question, query, hits, query, reading=reading)
    quoted = missed.sentence_text(missed.sentences[0])
    assert answer.status is Status.ANSWERED and quoted in answer.answer
    below = assistant.composer.settings.reader_candidate_probability / 2
    doubted = assistant.composer.run(question, query, hits, query, reading=Reading(0.95, {believed: below}))
    assert quoted not in doubted.answer


@pytest.mark.parametrize("question", ["what pills do docs hand out for clonus", "wot meds r there 4 clonus"])
def test_a_question_that_asks_which_medicines_quotes_the_sentence_naming_them(assistant, question):
    answer = assistant.ask(question)
    assert answer.status is Status.ANSWERED and "Baclofen (Lioresal)" in answer.answer


def test_a_sentence_that_lists_steps_after_a_lead_in_is_quoted_with_the_lead_in_whole(assistant):
    """"First of all, ..." leans on "Therefore, ...", which leans on the sentence before it: all three are quoted."""
    answer = assistant.ask("what tests will the neuro do to check for clonus?")
    quote = answer.citations[0].quote
    assert quote.startswith("Clonus can be considered a long-term condition. Therefore")
    assert "the doctor will usually do a physical examination" in quote


def test_a_sentence_on_a_familiar_name_says_nothing_of_families():
    heredity = expected_answer_type("is clonus passed down in families?")
    assert heredity is not None and heredity.name == "heredity"
    assert not heredity.evidence.search("You may be more familiar with this condition")
    assert heredity.evidence.search("it runs in the family")
