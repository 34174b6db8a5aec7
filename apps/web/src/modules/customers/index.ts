// What other modules may use of customers: the countries phone numbers may default to.
export { PHONE_COUNTRIES } from './customer-fields.ts';
