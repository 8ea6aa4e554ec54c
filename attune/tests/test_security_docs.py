"""docs/security.md keeps its "what each role can do" table in step with accounts/roles.py."""

from __future__ import annotations

from pathlib import Path

from attune.accounts.roles import (
    ROLE_LABELS,
    ROLE_PERMISSIONS,
    Permission,
    Role,
    role_needs_two_factor,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
START, END = "<!-- roles-table:start -->", "<!-- roles-table:end -->"


def roles_table() -> str:
    roles = list(Role)
    header = "| permission | " + " | ".join(ROLE_LABELS[r] for r in roles) + " |"
    rule = "|---|" + "---|" * len(roles)
    rows = [
        f"| `{p.value}` | "
        + " | ".join("yes" if p in ROLE_PERMISSIONS[r] else "-" for r in roles)
        + " |"
        for p in Permission
    ]
    two_factor = (
        "| **two-factor sign-in** | "
        + " | ".join("required" if role_needs_two_factor(r) else "optional" for r in roles)
        + " |"
    )
    return "\n".join([header, rule, *rows, two_factor])


def test_the_roles_table_in_docs_matches_the_code() -> None:
    text = DOC.read_text()
    documented = text.split(START, 1)[1].split(END, 1)[0].strip()
    assert documented == roles_table(), "Paste this table into docs/security.md:\n" + roles_table()
