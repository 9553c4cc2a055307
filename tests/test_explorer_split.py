"""The explorer's questions, shared out over the cores in consecutive parts."""

from forecast.analysis.explorer import SHARED_FROM, _parts
from forecast.base.cores import usable_cores
from forecast.fitting.run import Query


def test_no_question_is_one_empty_part_and_few_stay_together() -> None:
    assert _parts([]) == [[]], "a network without signposts asks the explorer nothing"
    few = [Query("y", {"x": str(i)}) for i in range(SHARED_FROM - 1)]
    assert _parts(few) == [few]


def test_many_questions_split_into_consecutive_parts_in_order() -> None:
    many = [Query("y", {"x": str(i)}) for i in range(2 * SHARED_FROM + 1)]
    parts = _parts(many)
    assert [q for part in parts for q in part] == many
    assert len(parts) == min(usable_cores(), len(many))
