/** The governor's messages; clients and activities import these, never the workflow itself. */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { AcquireAnswer, AcquireRequest, Adjustment, GovernorState, SetLimitRequest } from './governor-state';

/** May this change run? Grants it (and counts it) or says which limit holds it. */
export const acquireUpdate = defineUpdate<AcquireAnswer, [AcquireRequest]>('acquire');

/** Raises or lowers a limit for every run of the task queue, instead of the worker's configured value. */
export const setLimitUpdate = defineUpdate<Adjustment, [SetLimitRequest]>('setLimit');

/** The grants still counted and the adjusted limits, with the governor's clock. */
export const governorStateQuery = defineQuery<{ state: GovernorState; now: number }>('governorState');
