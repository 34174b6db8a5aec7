// What other modules may use of team: the workspace setting that requires a second factor.
export { RequireTwoFactorSetting } from './RequireTwoFactorSetting.tsx';
