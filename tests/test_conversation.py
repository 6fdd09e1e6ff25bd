"""History cleaning, follow-up resolution and the asking sentence of a chatty message."""

import pytest

from clonus_qa.conversation import Message, asking_sentence, normalize_history, question_parts, resolve_followup
from clonus_qa.safety import MAX_HISTORY_MESSAGES
from clonus_qa.terms import TermAnalyzer


@pytest.mark.parametrize(
    "message,asked",
    [
        ("What causes clonus?", "What causes clonus?"),
        ("Dad has liver failure. His hands jerk. Could his liver be the reason?", "Could his liver be the reason?"),
        ("I had a stroke years ago. Is there a link between stroke and clonus", "Is there a link between stroke and clonus"),
        ("My GP gave me klonopin. Why would it help?", "Why would it help?"),
        ("I read about baclofen. why?", "I read about baclofen. why?"),
        ("Explain what clonus is. (5 marks, be brief)", "Explain what clonus is."),
        ("My calf jerks. What happens in the exam? Do they bend your knee?",
         "What happens in the exam? Do they bend your knee?"),
        # a last question typed without its mark still asks; a story sentence opening "When" does not
        ("I hurt my neck. is that what gives u clonus? what else is it linked to",
         "is that what gives u clonus? what else is it linked to"),
        ("Taxi driver. When I sit for hours my ankle bounces. Is it only ankles?", "Is it only ankles?"),
    ],
)
def test_the_asking_part_is_every_question_unless_it_is_too_short(message, asked):
    assert asking_sentence(message) == asked


@pytest.mark.parametrize(
    "message,asked",
    [
        ("i coach a u14 volleyball team and one of the girls moms has ms does multiple sclerosis lead to clonus",
         "does multiple sclerosis lead to clonus"),
        ("my daughter had a seizure two years ago and now the neurologist says she has clonus what helps with it",
         "what helps with it"),
        # an auxiliary after its subject, or after "or"/"and", goes on the clause before
        ("my son is twelve and his left foot keeps bouncing when he stands and it does hurt him a lot",
         "my son is twelve and his left foot keeps bouncing when he stands and it does hurt him a lot"),
        ("do they jump straight to an operation for clonus or is that a last thing they try after everything",
         "do they jump straight to an operation for clonus or is that a last thing they try after everything"),
        # a comma is punctuation the writer chose: the whole sentence asks
        ("my MS nurse hinted that constipation can set off the jerking in my legs, is that true for clonus",
         "my MS nurse hinted that constipation can set off the jerking in my legs, is that true for clonus"),
        # a question word after a preposition opens no clause of its own
        ("is the physio the same for every child with clonus or does it depend on why they have got it",
         "is the physio the same for every child with clonus or does it depend on why they have got it"),
        ("short one does it help", "short one does it help"),
        # "which one" chooses among things named before it
        ("ice pack or hot bath which one lol my flatmate swears by ice but i think warm is better",
         "ice pack or hot bath which one lol my flatmate swears by ice but i think warm is better"),
    ],
)
def test_a_long_unpunctuated_message_asks_in_its_last_question_clause(message, asked):
    assert asking_sentence(message) == asked


@pytest.mark.parametrize(
    "message,parts",
    [
        ("What causes clonus?", ()),
        ("how long is the recovery? weeks? months?", ()),
        ("The surgeon said SDR (a nerve op?). Is that risky?", ()),
        ("Is physio any good? also whats the best yoga mat",
         ("Is physio any good?", "also whats the best yoga mat")),
        ("My son has CP. Can physio help? And is clonus contagious?",
         ("My son has CP. Can physio help?", "My son has CP. And is clonus contagious?")),
        ("does baclofen make you sleepy? and can i have a beer with it", ("does baclofen make you sleepy?",)),
        # "or" with a noun offers another choice for the question before; "or" with a verb asks anew
        ("should we put a splint on at night? or a special boot? physio is not coming", ()),
        ("should we use a splint at night? or does stretching help more",
         ("should we use a splint at night?", "or does stretching help more")),
    ],
)
def test_a_message_that_asks_several_things_has_one_part_per_question_that_stands_alone(message, parts):
    assert question_parts(message) == parts


def test_history_keeps_only_recent_well_formed_messages():
    history = [{"role": "user", "content": f"q{i}"} for i in range(20)] + ["junk", {"role": "system", "content": "x"}]
    kept = normalize_history(history)
    assert len(kept) == MAX_HISTORY_MESSAGES and kept[-1] == Message("user", "q19")
    assert normalize_history("not a list") == ()


def test_a_followup_that_points_back_is_searched_with_the_previous_question():
    analyzer = TermAnalyzer(["Clonus drugs cause drowsiness."])
    history = (Message("user", "Which drugs treat clonus?"), Message("assistant", "..."))
    resolved = resolve_followup("do they make you sleepy?", history, analyzer)
    assert resolved.is_followup and resolved.search_text.startswith("Which drugs treat clonus?")
    assert not resolve_followup("What causes clonus?", history, analyzer).is_followup


@pytest.mark.parametrize(
    "followup,asks_for_more",
    [
        ("and after that?", True),
        ("anything else?", True),
        ("any other tests?", True),
        ("like what?", True),
        ("such as?", True),
        ("why though?", False),
    ],
)
def test_a_followup_carries_the_reply_it_follows_and_whether_it_asks_for_more(followup, asks_for_more):
    analyzer = TermAnalyzer(["Clonus is diagnosed with a physical examination and an MRI."])
    history = (Message("user", "how is clonus diagnosed?"), Message("assistant", 'According to the article: "x" [1]'))
    resolved = resolve_followup(followup, history, analyzer)
    assert resolved.is_followup and resolved.previous_reply == 'According to the article: "x" [1]'
    assert resolved.asks_for_more is asks_for_more
