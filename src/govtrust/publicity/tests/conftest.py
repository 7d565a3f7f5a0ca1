from govtrust.console.tests.browser import page  # noqa: F401  (the e2e tests' browser fixture)
