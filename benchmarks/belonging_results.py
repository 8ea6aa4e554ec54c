"""Server time for a belonging survey results page (every answer in a round is summed).

Run it with ``.venv/bin/python -m benchmarks.belonging_results`` (SQLite in a throwaway
folder), or with ``DATABASE_URL=postgres://...`` for PostgreSQL. It builds the demo school with
its two demo rounds (about 350 children each, compared with each other), then adds a round the
size of a large secondary school (1,500 children, anonymous), and times the results page of
each as the demo attachment lead. Figures go to stdout and benchmarks/results/.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from benchmarks.common import measure, save_results, setup_django, signed_in

REPEATS = 30
LARGE = 1500


@dataclass(frozen=True)
class Figure:
    case: str
    responses: int
    queries: int
    median_ms: float
    p90_ms: float


def _measure(client: Any, url: str, case: str, responses: int) -> Figure:
    got = measure(lambda: client.get(url), repeats=REPEATS)
    assert got.result.status_code == 200, got.result.status_code
    return Figure(
        case=case,
        responses=responses,
        queries=got.queries,
        median_ms=got.median_ms,
        p90_ms=got.p90_ms,
    )


def _large_round(school: Any, today: Any) -> Any:
    from attune.belonging.domain.survey_template import default_template
    from attune.belonging.models import SurveyMode, SurveyResponse, SurveyRound

    rng = random.Random(3)
    template = default_template()
    survey_round = SurveyRound.objects.create(
        school=school,
        title="Whole-school census",
        template_id=template.id,
        template_version=template.version,
        opens_on=today - timedelta(days=3),
        closes_on=today - timedelta(days=1),
        mode=SurveyMode.ANONYMOUS,
        year_groups=[7, 8, 9, 10, 11],
    )
    SurveyResponse.objects.bulk_create(
        SurveyResponse(
            school=school,
            round=survey_round,
            year_group=rng.choice([7, 8, 9, 10, 11]),
            looked_after=rng.random() < 0.01,
            social_worker=rng.random() < 0.05,
            send=rng.random() < 0.15,
            fsm=rng.random() < 0.25,
            answered_on=today - timedelta(days=2),
            answers={s: rng.choice([1, 2, 3, 3]) for s in template.statement_ids()},
        )
        for _ in range(LARGE)
    )
    return survey_round


def main() -> None:
    vendor = setup_django()
    from django.urls import reverse
    from django.utils import timezone

    from attune.belonging.models import SurveyResponse, SurveyRound
    from attune.demo.generator import build_demo
    from attune.tenancy import school_scope

    today = timezone.localdate()
    school = build_demo(today=today).schools[0]
    client = signed_in("lead@demo.attune.test")
    figures = []
    with school_scope(school):
        # The demo builds its two rounds itself (``belonging.demo``): the later is compared with
        # the earlier on its results page.
        latest = SurveyRound.objects.order_by("opens_on").last()
        assert latest is not None, "the demo school has no belonging survey round"
        large = _large_round(school, today)
        cases = [(latest, "demo round, compared with the one before"), (large, "1,500 answers")]
        for survey_round, case in cases:
            count = SurveyResponse.objects.filter(round=survey_round).count()
            url = reverse(
                "belonging:round_results",
                kwargs={"urn": school.urn, "round_id": survey_round.pk},
            )
            figures.append(_measure(client, url, case, count))
    for figure in figures:
        print(
            f"{figure.case:45} {figure.responses:5} answers  {figure.queries:3} queries  "
            f"median {figure.median_ms} ms  p90 {figure.p90_ms} ms"
        )
    save_results(f"belonging_results-{vendor}", {"database": vendor}, figures)


if __name__ == "__main__":
    main()
