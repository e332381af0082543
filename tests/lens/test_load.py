"""Loading a YAML lens: each kind of bad input names the file and the field path."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from mllens.errors import LensError
from mllens.lens import load_lens, load_shipped_lens

HEADER: dict[str, Any] = {
    "id": "ml",
    "name": "Test ML lens",
    "version": "1",
    "pillars": [{"id": "security", "wa_id": "security", "name": "Security"}],
    "phases": [{"id": "business_goal", "name": "Business goal"}, {"id": "data_processing", "name": "Data processing"}],
    "files": ["security.yaml"],
}


def _question(qid: str, phase: str, n: int) -> dict[str, Any]:
    return {
        "id": qid,
        "phase": phase,
        "title": f"Question {qid}",
        "choices": [
            {"id": f"{qid}-BP0{i}", "title": f"Practice {i}", "risk_if_missing": "high"} for i in range(1, n + 1)
        ],
        "none_choice": {"id": f"{qid}_no"},
        "risk_rules": [
            {"condition": " && ".join(f"{qid}_BP0{i}" for i in range(1, n + 1)) + f" && !{qid}_no", "risk": "NONE"},
            {"condition": "default", "risk": "HIGH"},
        ],
    }


SECURITY: dict[str, Any] = {
    "pillar": "security",
    "questions": [_question("MLSEC01", "business_goal", 2), _question("MLSEC03", "data_processing", 3)],
}


def write(root: Path, header: dict[str, Any], pillar: dict[str, Any] | str) -> Path:
    root.mkdir(exist_ok=True)
    (root / "lens.yaml").write_text(yaml.safe_dump(header, sort_keys=False), encoding="utf-8")
    text = pillar if isinstance(pillar, str) else yaml.safe_dump(pillar, sort_keys=False)
    (root / "security.yaml").write_text(text, encoding="utf-8")
    return root


def load_with(tmp_path: Path, mutate: Callable[[dict[str, Any]], None]) -> LensError:
    pillar = copy.deepcopy(SECURITY)
    mutate(pillar)
    with pytest.raises(LensError) as caught:
        load_lens(write(tmp_path / "lens", HEADER, pillar))
    return caught.value


def test_the_base_lens_loads(tmp_path: Path) -> None:
    lens = load_lens(write(tmp_path / "lens", HEADER, SECURITY))
    practice = lens.practice("MLSEC03-BP02")
    assert (practice.question, practice.pillar, practice.phase, practice.choice_id) == (
        "MLSEC03",
        "security",
        "data_processing",
        "MLSEC03_BP02",
    )


def q0(p: dict[str, Any]) -> dict[str, Any]:
    question: dict[str, Any] = p["questions"][0]
    return question


def test_unknown_key(tmp_path: Path) -> None:
    error = load_with(tmp_path, lambda p: q0(p)["choices"][0].update(colour="red"))
    assert str(error) == "security.yaml: questions[0].choices[0].colour: unknown key 'colour'"


def test_bad_practice_id(tmp_path: Path) -> None:
    error = load_with(tmp_path, lambda p: q0(p)["choices"][1].update(id="MLSEC01 BP02"))
    assert str(error).startswith("security.yaml: questions[0].choices[1].id: String should match pattern")
    assert str(error).endswith("(got 'MLSEC01 BP02')")


def test_practice_id_outside_its_question(tmp_path: Path) -> None:
    error = load_with(tmp_path, lambda p: q0(p)["choices"][1].update(id="MLSEC02-BP02"))
    assert str(error) == (
        "security.yaml: questions[0].choices[1].id: 'MLSEC02-BP02' is not a practice of this lens "
        "(expected MLSEC01-BPnn)"
    )


def test_duplicate_practice_id(tmp_path: Path) -> None:
    def mutate(p: dict[str, Any]) -> None:
        p["questions"][1]["choices"][0]["id_2023"] = "MLSEC-01"
        q0(p)["choices"][0]["id_2023"] = "mlsec-01"

    error = load_with(tmp_path, mutate)
    assert (
        str(error)
        == "security.yaml: questions[1].choices[0].id: duplicate practice id 'MLSEC-01' (also in security.yaml)"
    )


def test_duplicate_choice_id(tmp_path: Path) -> None:
    error = load_with(tmp_path, lambda p: q0(p)["choices"][1].update(wa_choice_id="MLSEC01_BP01"))
    assert str(error) == "security.yaml: questions[0].choices[1].id: duplicate choice id 'MLSEC01_BP01'"


def test_duplicate_question_id(tmp_path: Path) -> None:
    error = load_with(tmp_path, lambda p: p["questions"].append(copy.deepcopy(q0(p))))
    assert str(error) == "security.yaml: questions[2].id: duplicate question id 'MLSEC01' (also in security.yaml)"


def test_rule_naming_an_unknown_choice(tmp_path: Path) -> None:
    error = load_with(tmp_path, lambda p: q0(p)["risk_rules"][0].update(condition="MLSEC01_BP01 && MLSEC01_BP07"))
    assert str(error) == (
        "security.yaml: questions[0].risk_rules[0].condition: 'MLSEC01_BP07' is not a choice of question MLSEC01 "
        "(choices: MLSEC01_BP01, MLSEC01_BP02, MLSEC01_no)"
    )


def test_rule_syntax_error(tmp_path: Path) -> None:
    error = load_with(tmp_path, lambda p: q0(p)["risk_rules"][0].update(condition="MLSEC01_BP01 && && MLSEC01_BP02"))
    assert str(error) == (
        "security.yaml: questions[0].risk_rules[0].condition: expected a choice id, got '&&' at offset 16 in "
        "'MLSEC01_BP01 && && MLSEC01_BP02'"
    )


def test_rules_after_default(tmp_path: Path) -> None:
    error = load_with(tmp_path, lambda p: q0(p)["risk_rules"].reverse())
    assert str(error) == "security.yaml: questions[0].risk_rules[0].condition: rules after 'default' can never apply"


def test_last_rule_must_be_default(tmp_path: Path) -> None:
    error = load_with(tmp_path, lambda p: q0(p)["risk_rules"].pop())
    assert str(error) == "security.yaml: questions[0].risk_rules[0].condition: the last rule must be 'default'"


def test_two_rules_with_one_risk(tmp_path: Path) -> None:
    error = load_with(tmp_path, lambda p: q0(p)["risk_rules"][1].update(risk="NONE"))
    assert str(error) == "security.yaml: questions[0].risk_rules[1].risk: a second rule with risk NONE"


def test_unknown_phase(tmp_path: Path) -> None:
    error = load_with(tmp_path, lambda p: q0(p).update(phase="deployment"))
    assert str(error) == "security.yaml: questions[0].phase: 'deployment' is not a phase of this lens"


def test_malformed_yaml(tmp_path: Path) -> None:
    text = "pillar: security\nquestions:\n- id: MLSEC01\n  title: [unclosed\n"
    with pytest.raises(LensError) as caught:
        load_lens(write(tmp_path / "lens", HEADER, text))
    assert str(caught.value).startswith("security.yaml: malformed YAML at line 5, column 1:")


def test_duplicate_yaml_key(tmp_path: Path) -> None:
    text = "pillar: security\npillar: reliability\nquestions: []\n"
    with pytest.raises(LensError, match=r"^security.yaml: malformed YAML at line 2, column 1: duplicate key 'pillar'"):
        load_lens(write(tmp_path / "lens", HEADER, text))


def test_header_errors_name_lens_yaml(tmp_path: Path) -> None:
    header = copy.deepcopy(HEADER) | {"owner": "x"}
    with pytest.raises(LensError, match=r"^lens.yaml: owner: unknown key 'owner'$"):
        load_lens(write(tmp_path / "lens", header, SECURITY))
    with pytest.raises(LensError, match=r"^security.yaml: pillar: 'privacy' is not a pillar of lens.yaml$"):
        load_lens(write(tmp_path / "lens2", HEADER, SECURITY | {"pillar": "privacy"}))


def test_imported_lenses_are_not_bound_to_the_ml_numbering(tmp_path: Path) -> None:
    pillar = copy.deepcopy(SECURITY)
    q0(pillar)["choices"][1]["id"] = "encrypt"
    q0(pillar)["choices"][1]["wa_choice_id"] = "MLSEC01_BP02"
    header = copy.deepcopy(HEADER) | {"id": "platform", "extensions": {"owner": "team"}}
    lens = load_lens(write(tmp_path / "lens", header, pillar))
    assert lens.practice("encrypt").choice_id == "MLSEC01_BP02"
    assert lens.extensions == {"owner": "team"}


# --- id resolution against the shipped lens --------------------------------------------------

SHIPPED = load_shipped_lens()


@pytest.mark.parametrize("given", ["MLSEC03-BP02", "mlsec03-bp02", "MLSEC-04", "mlsec-04", " MLSEC03_BP02 "])
def test_practice_ids_resolve_in_either_numbering(given: str) -> None:
    assert SHIPPED.resolve(given) == "MLSEC03-BP02"
    practice = SHIPPED.practice(given)
    assert (practice.id_2023, practice.question, practice.pillar, practice.phase) == (
        "MLSEC-04",
        "MLSEC03",
        "security",
        "data_processing",
    )


def test_2023_ids_that_moved_question_resolve_to_the_2025_practice() -> None:
    # The 2023 list kept monitoring before environment parity; the 2025 numbering swapped them.
    assert SHIPPED.resolve("MLOE-15") == "MLOPS06-BP02"
    assert SHIPPED.resolve("MLOE-16") == "MLOPS06-BP01"


def test_unknown_ids() -> None:
    assert SHIPPED.resolve("MLSEC03-BP09") is None
    with pytest.raises(KeyError, match="'MLSEC-99' is not a practice of lens 'ml'"):
        SHIPPED.practice("MLSEC-99")
    with pytest.raises(KeyError, match="'MLSEC09' is not a question of lens 'ml'"):
        SHIPPED.question("MLSEC09")


def test_questions_resolve_case_insensitively() -> None:
    question = SHIPPED.question("mlsec03")
    assert question.id == "MLSEC03" and SHIPPED.has_question(" MLSEC03 ")
    assert [p.id for p in question.choices] == [f"MLSEC03-BP0{i}" for i in range(1, 6)]
    assert SHIPPED.cell("security", "data_processing") is question


def test_directory_without_a_lens(tmp_path: Path) -> None:
    with pytest.raises(LensError, match=r"^lens.yaml: cannot read: No such file or directory$"):
        load_lens(tmp_path)


def _with_check(p: dict[str, Any], question: int, choice: int, **check: Any) -> None:
    base = {"id": "model_registry", "kind": "automated", "text": "Models are registered", "evidence": "iac"}
    p["questions"][question]["choices"][choice]["checks"] = [{**base, **check}]


def test_a_check_names_its_lifecycle_stage(tmp_path: Path) -> None:
    pillar = copy.deepcopy(SECURITY)
    _with_check(pillar, 0, 0, stage="registry")
    _with_check(pillar, 1, 2, stage="registry")  # one check id in two practices, one stage
    lens = load_lens(write(tmp_path / "lens", HEADER, pillar))
    assert lens.practice("MLSEC01-BP01").checks[0].stage == "registry"
    assert lens.check_stages() == {"model_registry": "registry"}


def test_an_unknown_lifecycle_stage_lists_the_known_ones(tmp_path: Path) -> None:
    error = load_with(tmp_path, lambda p: _with_check(p, 0, 1, stage="serving"))
    assert str(error).startswith("security.yaml: questions[0].choices[1].checks[0].stage: ")
    for stage in ("data_sources", "processing", "training", "registry", "deployment", "monitoring"):
        assert f"'{stage}'" in str(error)
    assert "'serving'" in str(error)


def test_a_manual_check_has_no_lifecycle_stage(tmp_path: Path) -> None:
    error = load_with(tmp_path, lambda p: _with_check(p, 0, 0, kind="manual", stage="training"))
    assert str(error).startswith("security.yaml: questions[0].choices[0].checks[0]: ")
    assert "a manual check has no files to draw on the lifecycle" in str(error)


def test_a_shared_check_id_with_two_stages_is_refused(tmp_path: Path) -> None:
    def mutate(p: dict[str, Any]) -> None:
        _with_check(p, 0, 0, stage="registry")
        _with_check(p, 1, 1, stage="deployment")

    error = load_with(tmp_path, mutate)
    assert str(error) == (
        "security.yaml: questions[1].choices[1].checks[0].stage: check 'model_registry' has stage deployment "
        "here but registry in security.yaml"
    )


def test_a_check_stage_stays_out_of_the_aws_export(tmp_path: Path) -> None:
    from mllens.lens.wa_format import export_lens

    header = {**HEADER, "description": "A lens to export"}
    pillar = copy.deepcopy(SECURITY)
    _with_check(pillar, 0, 0)
    plain = export_lens(load_lens(write(tmp_path / "plain", header, pillar))).text
    _with_check(pillar, 0, 0, stage="data_sources")
    staged = load_lens(write(tmp_path / "staged", header, pillar))
    assert staged.check_stages() == {"model_registry": "data_sources"}
    assert export_lens(staged).text == plain  # AWS custom lenses have no place for it
