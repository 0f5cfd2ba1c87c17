"""Each verified fix says which name its shape belongs to (the rewritten statement's target)."""

from __future__ import annotations

from engine import evaluate


def test_a_fix_names_the_name_its_statement_binds() -> None:
    problem = evaluate("x = torch.ones(2, 3)\ny = torch.ones(2, 3)\nz = x @ y\n").error
    assert problem is not None and problem.fixes
    assert {fix.target for fix in problem.fixes} == {"z"}
    assert all(fix.shape in ((2, 2), (3, 3)) for fix in problem.fixes)


def test_a_fix_of_a_bare_expression_has_no_target() -> None:
    problem = evaluate("x = torch.ones(2, 3)\nx @ x\n").error
    assert problem is not None and problem.fixes
    assert {fix.target for fix in problem.fixes} == {""}
