-- The run page lists the calls that replayed a run: find them without scanning the project's runs.
CREATE INDEX "Run_projectId_originalRunId_idx" ON "Run"("projectId", "originalRunId");
