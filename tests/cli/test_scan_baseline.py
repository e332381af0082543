"""`mllens scan --fail-on ... --baseline main.json` end to end: a change that commits secrets
and an admin policy fails the gate even though its question was already HIGH on main, and
names each new finding; what main already had, or what only moved, passes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import Result
from typer.testing import CliRunner

from mllens.cli import app

# Built from pieces so this file holds no credential-shaped literal of its own.
AWS_KEY_ID = "AKIA" + "Q3EGUMXR7PLBTW5K"
AWS_SECRET = "q8Xv2Lm9Tz4Rb7Nw1Kc5" + "Hy3Jd6Pf0Gs8Ue2Ya4Wi"
GITHUB_TOKEN = "ghp_" + "4fJk8Lq2Zx7Vb3Nm9Qw1Er5Ty6Ui0Op2As4D"

TRAIN = """\
import pandas as pd


def train(path: str) -> None:
    df = pd.read_csv(path)
    print(df.shape)
"""
# main already has a service-wide grant: MLSEC03 (least privilege) is HIGH before the change.
ROLE_POLICY = """\
resource "aws_iam_role_policy" "training" {
  name = "training"
  role = "training-role"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:*"]
      Resource = "*"
    }]
  })
}
"""
SETTINGS = f"""\
AWS_ACCESS_KEY_ID = "{AWS_KEY_ID}"
AWS_SECRET_ACCESS_KEY = "{AWS_SECRET}"
GITHUB_TOKEN = "{GITHUB_TOKEN}"
"""
ADMIN_POLICY = """\
resource "aws_iam_policy" "admin" {
  name = "ml-admin"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "*"
      Resource = "*"
    }]
  })
}
"""
NEW_FINDINGS = [
    "  new: platform_resources.iam_wildcard_actions infra/admin.tf:7 aws_iam_policy.admin allows any action: *"
    " (practice MLSEC03-BP01, HIGH if missing)",
    "  new: secrets.aws_access_key src/settings.py:1 AWS access key id with its secret key nearby: AKIA... (20 chars)"
    " (practice MLSEC03-BP02, HIGH if missing)",
    "  new: secrets.git_host_token src/settings.py:3 GitHub or GitLab token: ghp_... (40 chars)"
    " (practice MLSEC03-BP02, HIGH if missing)",
]


def scan(project: Path, *args: str, quiet: bool = True) -> Result:
    return CliRunner().invoke(app, ["scan", str(project), "--no-cache", *(["--quiet"] if quiet else []), *args])


def write(project: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text, encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small ML project as it is on main (with a test, so no finding depends on file counts)."""
    root = tmp_path / "project"
    write(root, {"src/train.py": TRAIN, "tests/test_train.py": "def test_sum() -> None:\n    assert sum([1, 2]) == 3\n",
                 "infra/main.tf": ROLE_POLICY})
    return root


def baseline_of(project: Path, path: Path) -> Path:
    result = scan(project, "--format", "json", "-o", str(path))
    assert result.exit_code == 0, result.output
    return path


def gate_lines(result: Result) -> list[str]:
    """The gate's verdict and the lines under it (stderr may first announce written files)."""
    lines = result.stderr.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("mllens gate ")), len(lines))
    return lines[start:]


def test_new_secrets_and_an_admin_policy_fail_the_gate_though_the_question_was_high(project: Path,
                                                                                     tmp_path: Path) -> None:
    main = baseline_of(project, tmp_path / "main.json")
    before = {q["id"]: q["risk"] for q in json.loads(main.read_text(encoding="utf-8"))["questions"]}
    assert before["MLSEC03"] == "HIGH"  # so the risk alone cannot fail the change
    write(project, {"src/settings.py": SETTINGS, "infra/admin.tf": ADMIN_POLICY})
    result = scan(project, "--format", "json", "-o", str(tmp_path / "pr.json"), "--fail-on", "high",
                  "--baseline", str(main))
    assert result.exit_code == 1, result.output
    lines = gate_lines(result)
    assert lines[0] == "mllens gate failed: 3 new finding(s) at or above HIGH:"
    assert lines[1:4] == NEW_FINDINGS
    assert "MLSEC03 HIGH" in next(line for line in lines if line.startswith("  already in the baseline"))
    assert lines[-1] == "  findings already in the baseline (not failing): 1"  # the s3:* grant (no CODEOWNERS: info)


def test_the_sarif_of_the_change_marks_the_same_three_results_new(project: Path, tmp_path: Path) -> None:
    main = baseline_of(project, tmp_path / "main.json")
    write(project, {"src/settings.py": SETTINGS, "infra/admin.tf": ADMIN_POLICY})
    result = scan(project, "--format", "sarif", "-o", str(tmp_path / "pr.sarif"), "--fail-on", "high",
                  "--baseline", str(main))
    assert result.exit_code == 1
    results = json.loads((tmp_path / "pr.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    new = [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].rsplit("/", 1)[-1])
           for r in results if r["baselineState"] == "new"]
    assert new == [("platform_resources.iam_wildcard_actions", "admin.tf"), ("secrets.aws_access_key", "settings.py"),
                   ("secrets.git_host_token", "settings.py")]


def test_an_unchanged_project_with_the_same_findings_passes(project: Path, tmp_path: Path) -> None:
    write(project, {"src/settings.py": SETTINGS, "infra/admin.tf": ADMIN_POLICY})
    main = baseline_of(project, tmp_path / "main.json")
    result = scan(project, "--fail-on", "high", "--baseline", str(main), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert gate_lines(result) == []  # --quiet: a passing gate prints nothing
    loud = scan(project, "--fail-on", "high", "--baseline", str(main), "--format", "json", quiet=False)
    assert loud.exit_code == 0
    assert "mllens gate passed: no new or worse question and no new finding at or above HIGH." in loud.stderr
    assert "  findings already in the baseline (not failing): 4" in gate_lines(loud)  # no CODEOWNERS is info


def test_findings_that_only_moved_lines_are_still_known(project: Path, tmp_path: Path) -> None:
    write(project, {"src/settings.py": SETTINGS, "infra/admin.tf": ADMIN_POLICY})
    main = baseline_of(project, tmp_path / "main.json")
    write(project, {"src/settings.py": '"""Settings."""\n\nDEBUG = False\n\n' + SETTINGS,
                    "infra/admin.tf": "# The platform team's admin policy.\n\n" + ADMIN_POLICY})
    moved = json.loads(scan(project, "--format", "json").stdout)["evidence"]
    assert {e["line"] for e in moved if e["file"] == "src/settings.py" and e["outcome"] == "contradicts"} == {5, 7}
    result = scan(project, "--fail-on", "high", "--baseline", str(main), "--format", "json")
    assert result.exit_code == 0, result.stderr


def test_a_new_finding_on_a_medium_risk_practice_passes_a_high_gate(project: Path, tmp_path: Path) -> None:
    main = baseline_of(project, tmp_path / "main.json")
    write(project, {"requirements.txt": "pandas>=2.0\n"})  # unpinned: MLOPS04-BP02, MEDIUM if missing
    high = scan(project, "--fail-on", "high", "--baseline", str(main), "--format", "json")
    assert high.exit_code == 0, high.stderr
    medium = scan(project, "--fail-on", "medium", "--baseline", str(main), "--format", "json")
    assert medium.exit_code == 1
    new = [line for line in gate_lines(medium) if line.startswith("  new: ")]
    assert new and all("(practice MLOPS04-BP02, MEDIUM if missing)" in line for line in new)


def test_an_accepted_risk_in_mllens_yaml_lets_the_new_findings_pass(project: Path, tmp_path: Path) -> None:
    main = baseline_of(project, tmp_path / "main.json")
    write(project, {
        "src/settings.py": SETTINGS,
        "infra/admin.tf": ADMIN_POLICY,
        "mllens.yaml": "workload: {name: demo}\naccepted_risks:\n"
        "  - {practice: MLSEC03-BP01, reason: sandbox account, owner: alice, expires: 2999-12-31}\n"
        "  - {practice: MLSEC03-BP02, reason: rotated keys, owner: alice, expires: 2999-12-31}\n",
    })
    result = scan(project, "--fail-on", "high", "--baseline", str(main), "--format", "json", quiet=False)
    assert result.exit_code == 0, result.stderr
    lines = gate_lines(result)
    assert not any(line.startswith("  new: ") for line in lines), lines
    assert [line.split(" (practice")[0] for line in lines if line.startswith("  new, risk accepted: ")] == [
        line.replace("  new: ", "  new, risk accepted: ").split(" (practice")[0] for line in NEW_FINDINGS
    ]
    assert "  accepted: MLSEC03-BP02 (MLSEC03) by alice until 2999-12-31: rotated keys" in lines


def test_the_ci_docs_workflow_makes_main_json_from_the_target_branch_and_gates_with_it() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "ci.md").read_text(encoding="utf-8")
    section = docs.split("### Making the baseline on main", 1)[1]
    workflow = yaml.safe_load(section.split("```yaml\n", 1)[1].split("```", 1)[0])
    steps = workflow["jobs"]["review"]["steps"]
    make = next(s for s in steps if "git worktree add" in s.get("run", ""))
    assert make["if"] == "github.event_name == 'pull_request'"
    assert make["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
    assert 'mllens scan "$RUNNER_TEMP/base" --format json -o "$RUNNER_TEMP/main.json"' in make["run"]
    gate = steps[steps.index(make) + 1]["run"]
    assert "--fail-on high" in gate and '--baseline "$MLLENS_BASELINE"' in gate
    assert next(s for s in steps if "actions/checkout" in s.get("uses", ""))["with"]["fetch-depth"] == 0
