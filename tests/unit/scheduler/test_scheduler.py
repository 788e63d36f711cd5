from dasan.scheduler import Job, Scheduler


def test_jobs_run_when_due_and_a_failure_does_not_stop_the_others() -> None:
    calls: list[str] = []

    def ok() -> int:
        calls.append("ok")
        return 1

    def broken() -> int:
        calls.append("broken")
        raise RuntimeError("boom")

    s = Scheduler(jobs=[Job("broken", 60, broken), Job("ok", 300, ok)])
    assert s.run_due(now=0) == {"ok": 1}
    assert calls == ["broken", "ok"]
    assert s.run_due(now=30) == {}  # nothing due yet
    assert s.run_due(now=61) == {}  # broken retried (and failed again), ok not yet due
    assert calls == ["broken", "ok", "broken"]
    assert s.run_due(now=301) == {"ok": 1}


def test_the_review_date_job_is_scheduled_with_the_expiry() -> None:
    from dasan import scheduler

    jobs = {j.name: j for j in Scheduler().jobs}
    assert jobs["malicious-review"].run is scheduler.review_designations
    assert jobs["malicious-expiry"].run is scheduler.expire_designations
