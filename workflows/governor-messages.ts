/** The governor's messages; clients and activities import these, never the workflow itself. */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { AcquireAnswer, AcquireRequest, Adjustment, GovernorState, SetLimitRequest } from './governor-state';

/** May this change run? Grants it (and counts it) or says which limit holds it. */
export const acquireUpdate = defineUpdate<AcquireAnswer, [AcquireRequest]>('acquire');

/**
 * Several changes at once, answered in order as if asked one by one: a worker's lanes ask together, since a workflow
 * takes only a few Updates in flight at a time (Temporal's default is 10).
 */
export const acquireManyUpdate = defineUpdate<AcquireAnswer[], [AcquireRequest[]]>('acquireMany');

/** The most requests one `acquireMany` carries. */
export const ACQUIRE_MANY_MAX = 100;

/** Raises or lowers a limit for every run of the task queue, instead of the worker's configured value. */
export const setLimitUpdate = defineUpdate<Adjustment, [SetLimitRequest]>('setLimit');

/** The grants still counted and the adjusted limits, with the governor's clock. */
export const governorStateQuery = defineQuery<{ state: GovernorState; now: number }>('governorState');
