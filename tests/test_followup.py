"""Follow-ups, answers next door and questions in other words: pure resolution rules, then the real model on the
seeds alone and on the seeds among NeuS articles on other stories (../shared; skipped when absent)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from summarizer import NO_ANSWER, Answer, Citation, CitedSentence, conversation_markdown
from summarizer.answer import NOTHING_MORE
from summarizer.answer.aliases import aliases_in, role_names
from summarizer.answer.followup import FOLLOWUP_RULES, names_in, resolve_followup, topics_in
from summarizer.answer.lexical import related_words, tokenize

from tests.conftest import SEEDS, SHARED, seed_prefix

DATA = Path(__file__).resolve().parent / "data"
CHAT_DEV = SHARED / "eval" / "seeds_chat_dev.json"


def fold(s: str) -> str:
    s = s.replace("“", '"').replace("”", '"').replace("’", "'")
    return re.sub(r"\s+", " ", s).lower()


def hit(answer: Answer, gold: list[str], k: int = 3) -> bool:
    return any(g.lower() in fold(c.text) for p in answer.sentences[:k] for c in p.citations for g in gold)


def answer_citing(question: str, *texts: str) -> Answer:
    """An answer whose points cite these sentences (pure logic: no store)."""
    points = [CitedSentence(t, (Citation(f"doc{i}", f"Doc {i}", i, 0, len(t), t),)) for i, t in enumerate(texts)]
    return Answer(question, points)


def resolved(question: str, history) -> str:
    return resolve_followup(question, history).resolved


# ----------------------------------------------------------------- pure resolution (no model)

@pytest.mark.parametrize("history, question, expected", [
    (["What did Blinken tell Lavrov about Ukraine's defense?"], "How many messages did he want to convey?",
     "How many messages did Blinken want to convey?"),
    (["What did Blinken say in his speech that Russia must do?"], "Who supported him?", "Who supported Blinken?"),
    (["What did Blinken tell Lavrov?"], "What did Lavrov tell him?", "What did Lavrov tell Blinken?"),
    (["What did Baerbock ask?"], "What was her demand?", "What was Baerbock's demand?"),
    (["Where did the West and Russia have a verbal confrontation?"], "Who reported it?",
     "Who reported the verbal confrontation?"),
    (["What was the purpose of the meeting, according to the State Department?"],
     "And did Lavrov mention it at his press conference?", "Did Lavrov mention the meeting at his press conference?"),
])
def test_pronouns_stand_for_what_the_earlier_questions_named(history, question, expected):
    assert resolved(question, history) == expected
    assert resolve_followup(question, history).is_followup


def test_a_pronoun_passes_over_people_the_conversation_shows_of_the_other_gender():
    first = answer_citing("What did Baerbock ask?", "Baerbock on Thursday called on her Russian counterpart to return.")
    second = answer_citing("What did Lavrov say?", "Lavrov said he would not sign the text.")
    history = [("What did Baerbock ask?", first), ("What did Lavrov say?", second)]
    assert resolved("Who is she?", history) == "Who is Baerbock?"
    assert resolved("What did he sign?", history) == "What did Lavrov sign?"
    # nothing shows a gender: the nearest person, as before
    assert resolved("Who is she?", ["What did Baerbock ask?", "What did Lavrov say?"]) == "Who is Lavrov?"
    # a person of unknown gender nearer than one known to fit is still the nearest
    third = answer_citing("What did Zakharova say?", "Zakharova confirmed that the meeting took place.")
    assert resolved("What did she add?", [history[0], ("What did Zakharova say?", third)]) == "What did Zakharova add?"
    # only people of the other gender: the pronoun stays as asked
    assert resolved("What did she say?", [("What did Lavrov say?", second)]) == "What did she say?"


def test_it_stands_for_a_named_thing_when_the_question_has_no_topic_phrase():
    assert resolved("Who suspended it?", ["What is New START?"]) == "Who suspended New START?"


@pytest.mark.parametrize("history, question, expected", [
    (["What did Baerbock ask?"], "And Lavrov?", "What did Lavrov ask?"),
    (["What did the Dutch foreign minister say?"], "What about the Spanish foreign minister?",
     "What did the Spanish foreign minister say?"),
    (["When did Russia invade Ukraine?"], "And Georgia?", "When did Russia invade Georgia?"),
    (["What did Baerbock ask?", "What did Blinken say?"], "And Lavrov?", "What did Lavrov say?"),
    (["What did Baerbock ask?"], "And the Spanish foreign minister?", "What did the Spanish foreign minister ask?"),
    (["What did Baerbock ask?"], "and lavrov?", "What did Lavrov ask?"),
])
def test_and_x_asks_the_last_question_about_x(history, question, expected):
    assert resolved(question, history) == expected


def test_who_questions_refer_on_to_whom_their_answer_named():
    first = answer_citing("Who confirmed that the meeting took place?",
                          "Instead, the spokeswoman of the Ministry of Foreign Affairs of the Russian Federation, "
                          "Maria Zakharova, confirmed that this meeting took place.")
    assert resolved("What did she tell CNN?", [(first.question, first)]) == "What did Maria Zakharova tell CNN?"
    met = answer_citing("Who did Blinken meet on the sidelines of the G20?",
                        "Blinken also met External Affairs Minister S Jaishankar for a bilateral meeting.")
    assert resolved("What did they speak about?", [(met.question, met)]) == "What did S Jaishankar and Blinken speak about?"


def test_what_else_asks_again_without_what_was_shown():
    first = answer_citing("What did Lavrov say about the West?", "Instead, Lavrov blamed the West.",
                          "He also said that the West creates obstacles.", "A third point, not among the first two.")
    fu = resolve_followup("What else did he say?", [(first.question, first)])
    assert fu.resolved == "What did Lavrov say?" and fu.is_followup
    assert fu.exclude == {c.key for p in first.sentences[: FOLLOWUP_RULES.cited_points] for c in p.citations}
    assert resolved("What else?", [(first.question, first)]) == first.question
    assert resolved("Tell me more", [first.question]) == first.question


def test_stand_alone_questions_and_empty_histories_are_left_as_asked():
    for history in (None, [], ["   "]):
        fu = resolve_followup("Who supported him?", history)
        assert fu.resolved == "Who supported him?" and not fu.is_followup
    fu = resolve_followup("What did Baerbock ask?", ["What is the capital of Peru?"])
    assert fu.resolved == "What did Baerbock ask?" and not fu.is_followup


def test_a_long_history_counts_only_its_recent_turns():
    history = [42] + ["What did Baerbock ask?"] + ["Is it raining?"] * 997 + ["What did Blinken say?"]
    assert len(history) == 1000
    assert resolved("What did he add?", history) == "What did Blinken add?"  # turn 0 (not a question) is too old
    fu = resolve_followup("What did she add?", ["What did Baerbock ask?"] + ["Is it raining?"] * 10)
    assert fu.resolved == "What did she add?"  # Baerbock is beyond the recent turns


@pytest.mark.parametrize("history, fragment", [
    ("What did Blinken say?", "list of turns"), ([42], "history turn 0"), ([("q",)], "history turn 0"),
    ([("q", "not an answer")], "history turn 0"),
])
def test_bad_history_is_a_type_error_naming_the_turn(history, fragment):
    with pytest.raises(TypeError, match=fragment):
        resolve_followup("Who supported him?", history)


def test_names_and_topics():
    names = names_in("On Thursday, US Secretary of State Antony Blinken said he advised his Russian coequal Sergei "
                     "Lavrov to end this war, at the G20 in New Delhi.")
    people = [n.name for n in names if n.kind == "person"]
    assert people == ["Antony Blinken", "Sergei Lavrov"]
    assert {n.name: n.kind for n in names}["Russian"] == "place"
    assert {n.name: n.kind for n in names}["New Delhi"] == "place"  # after "in"
    assert topics_in("What was the purpose of the meeting, according to the State Department?") == [
        "the purpose", "the meeting"]
    assert topics_in("What does Blinken's statement call into question?") == ["Blinken's statement"]


def test_roles_stand_for_the_names_the_collection_gives_them():
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    aliases = aliases_in(text)
    by_name = {a.name: a for a in aliases}
    assert {"foreign", "minist", "spanish"} <= by_name["Jose Manuel Albarez"].role_terms
    assert {"spokeswoman", "russian"} <= by_name["Maria Zakharova"].role_terms

    def forms(question):
        return [frozenset([t, *(x for w in related_words(t) for x in tokenize(w))]) for t in tokenize(question)]

    assert [a.name for a in role_names(forms("the Spanish foreign minister"), aliases)] == ["Jose Manuel Albarez"]
    assert [a.name for a in role_names(forms("the Indian prime minister"), aliases)] == ["Narendra Modi"]
    assert role_names(forms("the foreign minister"), aliases) == []  # four people: no one in particular
    assert role_names(forms("the weather in Spain"), aliases) == []  # no title: no role
    # "Sergey Lavrov" (004) and "Sergei Lavrov" (000) are one person; the Ministry's spokeswoman is no minister
    russian = {a.name for a in role_names([f | {"ministri"} if "minist" in f else f
                                           for f in forms("the Russian foreign minister")], aliases)}
    assert russian == {"Sergey Lavrov", "Sergei Lavrov"}


def test_conversation_markdown_numbers_citations_once_across_turns():
    a = answer_citing("What did Baerbock ask?", "She asked Lavrov to return to New START.")
    shared = a.sentences[0]
    b = Answer("And Lavrov?", [shared, CitedSentence("He blamed the West.", (Citation("d9", "Nine", 3, 5, 24,
                                                                                      "He blamed the West."),))],
               resolved_question="What did Lavrov ask?")
    empty = Answer("What is the capital of Peru?", [], NO_ANSWER, "What is the capital of Peru?")
    md = conversation_markdown([a, b, empty])
    assert md.count("[1] Doc 0") == 1 and "[2] Nine" in md
    assert "**Question 2:** And Lavrov?" in md and "*Answering: What did Lavrov ask?*" in md
    assert md.count("Answering:") == 1  # the third was understood as asked
    assert NO_ANSWER in md
    assert "1. She asked Lavrov to return to New START. [1]" in md and "2. He blamed the West. [2]" in md


# ----------------------------------------------------------------- the real model: seeds and distractors

@pytest.fixture(params=["seeds", "distracted"])
def collection(request):
    return request.getfixturevalue(request.param)


@pytest.mark.skipif(not CHAT_DEV.exists(), reason=f"{CHAT_DEV} is absent (../shared)")
def test_every_chat_dev_turn_is_answered_with_its_history(collection):
    for conv in json.loads(CHAT_DEV.read_text(encoding="utf-8")):
        history = []
        for turn in conv["turns"]:
            ans = collection.ask(turn["q"], k=3, history=list(history))
            assert hit(ans, turn["gold"]), (turn["q"], ans.resolved_question)
            history.append((turn["q"], ans))


def test_follow_up_answers_show_how_they_were_understood(collection):
    first = collection.ask("Who confirmed that the meeting took place?")
    ans = collection.ask("What did she tell CNN?", history=[(first.question, first)])
    assert ans.question == "What did she tell CNN?"
    assert ans.resolved_question == "What did Maria Zakharova tell CNN?" == ans.understood_as
    assert ans.to_dict()["resolved_question"] == ans.resolved_question
    assert "*Answering: What did Maria Zakharova tell CNN?*" in ans.to_markdown()
    assert hit(ans, ["us secretary of state who asked to speak with lavrov"])


def test_what_else_leaves_out_what_was_shown(collection):
    first = collection.ask("What did Lavrov say about the West?")
    more = collection.ask("What else did he say?", history=[(first.question, first)])
    shown = {c.key for p in first.sentences[: FOLLOWUP_RULES.cited_points] for c in p.citations}
    assert more.sentences and not shown & {c.key for p in more.sentences for c in p.citations}


def test_what_else_stays_with_who_the_question_names_and_then_says_nothing_more(collection):
    history = []
    for _ in range(2):  # "Who met Jaishankar?", then more on their talk
        q = "Who met Jaishankar?" if not history else "What else did they speak about?"
        history.append((q, collection.ask(q, history=list(history))))
    more = history[-1][1]
    assert more.resolved_question == "What did Blinken and Jaishankar speak about?"
    texts = [c.text for p in more.sentences for c in p.citations]
    assert any("They also spoke on" in t for t in texts), texts  # what they spoke about
    assert not any("Lavrov" in t or "disabuse" in t for t in texts), texts  # not Blinken's talk with Lavrov, even
    # the sentence just above the "Meetings with Jaishankar" heading
    last = collection.ask("What else did they speak about?", history=history)
    assert not last.sentences and last.message == NOTHING_MORE  # the seeds hold nothing more on it
    first = collection.ask("What did Blinken demand?")
    for q in ("What else did the United States demand?", "What else did the German Foreign Minister say?"):
        assert collection.ask(q, history=[(first.question, first)]).sentences, q  # places and roles: not required


def test_a_pronoun_after_a_role_question_is_the_speaker_not_whom_their_quote_addresses(collection):
    # the first answer opens "“I ask you, Mr (Sergei) Lavrov, ...,” Baerbock said ..."
    first = collection.ask("What did the German Foreign Minister say?")
    more = collection.ask("What else did she say?", history=[(first.question, first)])
    assert more.resolved_question == "What did Baerbock say?"
    first = collection.ask("What did the Russian Foreign Minister say?")  # opens with "the spokeswoman ..., Maria
    more = collection.ask("What else did he say?", history=[(first.question, first)])  # Zakharova": she is no "he"
    assert "Zakharova" not in more.resolved_question


def test_follow_up_with_nothing_to_refer_to(collection):
    alone = collection.ask("Who supported him?", history=[])  # answered as a stand-alone question
    assert alone.resolved_question == "Who supported him?" and not alone.understood_as
    first = collection.ask("What is the capital of Peru?")
    ans = collection.ask("Who governs it?", history=[(first.question, first)])
    assert not first.sentences and not ans.sentences and ans.message == NO_ANSWER


def test_a_history_of_1000_turns(collection):
    history = ["What is the weather like?"] * 999 + ["What did Blinken say in his speech that Russia must do?"]
    ans = collection.ask("Who supported him?", history=history)
    assert ans.resolved_question == "Who supported Blinken?"
    assert hit(ans, ["supported by his colleagues from germany, france and the netherlands"])


def test_answer_next_door_cites_the_sentence_naming_the_subject(collection):
    # "Blinken also met ... Jaishankar ..." names who met; the sentences after it say what they spoke about
    ans = collection.ask("What else did Blinken and Jaishankar discuss?")
    point = next(p for p in ans.sentences if any("Jaishankar" in c.text for c in p.citations))
    texts = [c.text for c in point.citations]
    assert any("focussed on shared efforts" in t or "They also spoke on" in t for t in texts)
    assert {seed_prefix(collection, c.doc_id) for c in point.citations} == {"003"}


CASES = json.loads((DATA / "qa_cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("kind", ["role", "describe", "verb", "next"])
def test_questions_in_other_words_find_the_answer(collection, kind):
    cases = [c for c in CASES if c["class"] == kind]
    missed = [c["q"] for c in cases if not hit(collection.ask(c["q"], k=3), c["gold"])]
    assert not missed
