"""Questions to think about before a meeting about a child, in three groups.

Based on the key questions for partnership working in Virtual School Kent's relational
approaches toolkit (Toolkit 4), rewritten in our own words.
"""

from __future__ import annotations

PROMPTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "The overall picture",
        (
            "What has the child missed, in lessons and in time with friends, not only as a "
            "percentage?",
            "When are they absent or struggling, and what might that pattern be telling us?",
            "On the days they are here, can they settle and learn? How are they feeling?",
            "Where is the child's own view in this plan, and who asked them?",
        ),
    ),
    (
        "The people around the child",
        (
            "How are things between school and home, and what would help them go better?",
            "Who does the family lean on: relatives, friends, clubs, faith or youth groups?",
            "What draws the child towards school, and what keeps them away?",
            "How does the family feel about school, from their own experience?",
            "How could the other professionals help us hear the child's voice?",
            "Are home, school and the social worker giving the child the same hopeful message?",
        ),
    ),
    (
        "In school",
        (
            "Is learning on track? If not, what extra help is there and is it working?",
            "Could an unmet special educational or emotional need be part of this?",
            "What helped before, even for a short while?",
            "Who is the adult in school the child trusts, and when do they see them?",
            "Could that trusted adult, rather than the attendance officer, be the one to check in?",
            "Is there a check-in at the start and end of the day to ease the move between home "
            "and school?",
            "For older children: what are their hopes after sixteen, and how does being here "
            "help them get there?",
        ),
    ),
)
