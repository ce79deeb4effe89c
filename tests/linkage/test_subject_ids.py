"""Subject ids survive re-runs: notes and actions point at them."""

from __future__ import annotations

from linewatch.linkage.subject_ids import assign_subject_ids


def test_unchanged_groups_keep_their_ids_and_new_groups_get_new_ones() -> None:
    previous = {"a": "S0000001", "b": "S0000001", "c": "S0000002"}
    result = assign_subject_ids({"a": ["a", "b"], "c": ["c"], "d": ["d"]}, previous, next_number=3)
    assert result.subject_of == {"a": "S0000001", "c": "S0000002", "d": "S0000003"}
    assert result.new == ["S0000003"] and result.retired == {}


def test_a_split_keeps_the_id_with_the_larger_part() -> None:
    previous = {"a": "S0000001", "b": "S0000001", "c": "S0000001"}
    result = assign_subject_ids({"a": ["a"], "b": ["b", "c"]}, previous, next_number=2)
    assert result.subject_of == {"b": "S0000001", "a": "S0000002"}


def test_a_merge_keeps_the_larger_subject_and_retires_the_other_into_it() -> None:
    previous = {"a": "S0000001", "b": "S0000001", "c": "S0000002"}
    result = assign_subject_ids({"a": ["a", "b", "c"]}, previous, next_number=3)
    assert result.subject_of == {"a": "S0000001"}
    assert result.retired == {"S0000002": "S0000001"}


def test_the_outcome_does_not_depend_on_input_order() -> None:
    previous = {"a": "S0000001", "b": "S0000001"}
    one = assign_subject_ids({"a": ["a"], "b": ["b"]}, previous, next_number=2)
    two = assign_subject_ids({"b": ["b"], "a": ["a"]}, previous, next_number=2)
    assert one.subject_of == two.subject_of
