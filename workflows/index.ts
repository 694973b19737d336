/** Every workflow the worker runs. The worker bundles this file into the deterministic sandbox. */
export { runPlaybook } from './run-playbook';
export { runItemsChunk } from './items-chunk';
export { takedownMonitor } from './takedown-monitor';
export { killSwitch } from './kill-switch';
export { governor } from './governor';
