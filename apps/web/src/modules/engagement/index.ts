// What other modules may use of engagement: its parts of the customer page and of the
// workspace settings, and its customer picker. Nothing else here is imported from outside this folder.
export { CustomerFollowups } from './customer-followups.tsx';
export { ENGAGEMENT_KINDS, EngagementTimelineDetail } from './timeline-parts.tsx';
export { HolidaysField } from './holidays-field.tsx';
// Pick one customer by name, phone or e-mail (the survey screen's personal links use it too).
export { AutomationCustomerPicker as CustomerPicker } from './AutomationCustomerPicker.tsx';
