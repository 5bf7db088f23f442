import { createContext, useContext } from 'react';
import { NO_ACTIONS, type CockpitActions } from '../app/ports.js';

export const ActionsContext = createContext<CockpitActions>(NO_ACTIONS);

export function useActions(): CockpitActions {
  return useContext(ActionsContext);
}
