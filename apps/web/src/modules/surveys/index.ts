// The surveys module's front door for other web modules. Files inside modules/surveys import
// each other directly (the survey tab bar is ./survey-tabs.tsx); nothing else needs more yet.
export type { Survey } from './surveys-api.ts';
