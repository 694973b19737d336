/** The takedown stand-ins, as the takedown tests call them (see `stand-ins/takedown.ts`). */
export {
  REPORTER,
  startTakedownStandIns as startTakedownWorld,
  type TakedownStandIns as TakedownWorld,
} from '../../stand-ins/takedown';
