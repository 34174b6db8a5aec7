// Wired to the CSV import/export services once they land (see modules/customers/customer-import.cli.ts).
export { runExportCommand, runImportCommand } from '../modules/customers/customer-import.cli.ts';
