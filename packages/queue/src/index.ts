export { BullJobQueue, type BullJobQueueOptions } from "./bull-job-queue.ts";
export { createJobQueue, type CreateJobQueueOptions } from "./create-job-queue.ts";
