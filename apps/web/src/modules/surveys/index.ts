// The surveys module's front door for other web modules. Files inside modules/surveys import
// each other directly (the survey tab bar is ./survey-tabs.tsx); nothing else needs more yet.
export type { Survey } from './surveys-api.ts';
// The survey answer on a customer's timeline (the customer page picks it by kind).
export { SURVEY_KINDS, SurveyTimelineDetail } from './timeline-parts.tsx';
// The closed loop's links (follow-up and case pages): the earlier answer and those given after it.
export { SurveyLoopCard } from './survey-loop.tsx';
