// What other modules may use of loyalty: its card on the customer page. Nothing else here is imported from outside this folder.
export { CustomerLoyalty } from './customer-loyalty.tsx';
