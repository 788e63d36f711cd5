"""Quality management: QA forms, monthly sampling, evaluations, calibration, satisfaction
surveys and scorecards. Who may do what: see the access policy, `dasan.access`."""
