// What other modules may use of engagement: its parts of the customer page and of the
// workspace settings. Nothing else here is imported from outside this folder.
export { CustomerFollowups } from './customer-followups.tsx';
export { ENGAGEMENT_KINDS, EngagementTimelineDetail } from './timeline-parts.tsx';
export { HolidaysField } from './holidays-field.tsx';
