import { runCustomerExportCommand, runCustomerImportCommand } from '../modules/customers/customer-import.cli.ts';
import { runOrderExportCommand, runOrderImportCommand } from '../modules/interactions/order-import.cli.ts';

type Kind = { kind: 'customers' | 'orders' };

/** `vafa import|export customers|orders`: each domain owns its CSV command; this only dispatches. */
export const runImportCommand = (c: Parameters<typeof runCustomerImportCommand>[0] & Kind) =>
  c.kind === 'orders' ? runOrderImportCommand(c) : runCustomerImportCommand(c);
export const runExportCommand = (c: Parameters<typeof runCustomerExportCommand>[0] & Kind) =>
  c.kind === 'orders' ? runOrderExportCommand(c) : runCustomerExportCommand(c);
