import type { VafaModule } from '../../platform/module.ts';
import { registerCustomerTransferRoutes } from './customer-transfer.routes.ts';
import { registerCustomerRoutes } from './customer.routes.ts';
import { registerSegmentRoutes } from './segment.routes.ts';

export const customersModule: VafaModule = {
  name: 'customers',
  registerRoutes(app, deps) {
    registerCustomerRoutes(app, deps);
    registerSegmentRoutes(app, deps);
    registerCustomerTransferRoutes(app, deps);
  },
};

export { buildSearchText, containsPattern, parseCustomerSearch, type CustomerSearch, type SearchableCustomer } from './customer.search-text.ts';
export { presentCustomer, type AttributeValues, type ConsentState, type CustomerRow } from './customer.present.ts';
export { resolveCustomer, setCustomerActivity, type CustomerActivity, type CustomerIdentity } from './customer-activity.service.ts';
export {
  registerCustomerDataExporter, registerEraseHook, registerMergeHook, type CustomerDataExporter, type ErasedContact, type EraseHook, type MergeHook,
} from './customer.hooks.ts';
export { contactClaimsOf, type ContactClaim } from './customer-contact-history.ts';
export { applyConsent, changeCustomerTags, createCustomer, normaliseBirthday, normalisePhone, violatedUniqueIndex } from './customer.service.ts';
export { applyAttributes, attributeDefinitionsOf, type AttributeDefinitions } from './customer-attribute.service.ts';
export { isSegmentMember, rulesPredicate, segmentPredicate } from './segment.service.ts';
export { customerSegmentIds, customersSegmentIds } from './segment-match.ts';
export { compileSegmentRules, type SegmentContext } from './segment.rules.ts';
export { customers, consentEvents } from './customer.schema.ts';
export { decodeCursor, encodeCursor } from './customer.cursor.ts';
