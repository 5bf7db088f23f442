// Ink checks CI at import time (is-in-ci); make sure view tests see a normal interactive run.
delete process.env.CI;
delete process.env.CONTINUOUS_INTEGRATION;
