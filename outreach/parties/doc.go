// Package parties is the registry of political parties and the contacts
// the political team writes to: who they are, which nations they stand in,
// and whether they and each contact are still active.
//
// The registry is small (tens of parties, a few contacts each) and changes
// rarely, by hand or by importing a spreadsheet. Every change is audited in
// the transaction that makes it.
//
// # Rules
//
//   - A party needs a name and at least one nation. Names are unique
//     regardless of case; registration numbers, when given, are unique and
//     stored upper-case.
//   - A contact needs a name and exactly one valid email address; a party
//     cannot hold the same address twice (regardless of case).
//   - Nothing is ever deleted: parties and contacts are deactivated, so the
//     letters already sent to them keep their history.
//   - Changing a contact's email address clears its needs-review flag,
//     because the flag (set when a letter bounced) was about the old
//     address.
//
// # Import and export layout
//
// An import file is CSV (UTF-8, comma-separated, an optional byte-order
// mark) or XLSX (the first worksheet). The first row is a header; header
// names are matched case-insensitively, and spaces or hyphens in them count
// as underscores ("Party name" is party_name). A column not listed here is
// rejected. There is one row per contact; the party columns are repeated on
// each row of the same party and must agree. A party without contacts is
// one row with the contact columns empty.
//
//	party_name           required; rows with the same name (any case) are one party
//	short_name           optional
//	aliases              optional; several separated by ";"
//	registration_number  optional; matched regardless of case
//	nations              required; ";"-separated: england, scotland, wales,
//	                     northern_ireland (or their names, e.g. "Northern Ireland")
//	party_active         yes or no (also true/false, y/n, 1/0); empty means yes
//	contact_name         required when the row has a contact
//	contact_position     optional
//	contact_email        required when the row has a contact
//	contact_role         optional; defaults to data_protection_lead
//	contact_active       yes or no; empty means yes
//	contact_language     optional ("language" also works): English, Welsh or
//	                     Welsh and English (or en, cy, both); empty means the
//	                     party's default, Welsh and English for a party
//	                     standing in Wales, English otherwise
//
// Only party_name and nations must be present as columns. A column left
// out of the file leaves that field of existing parties and contacts as it
// is (new ones get the default); a column present but empty in a row sets
// the field to empty.
//
// Parties are matched by registration number when the row has one that is
// already registered, otherwise by name regardless of case; contacts by
// party and email address regardless of case. Parties and contacts not in
// the file are left alone. An import is all or nothing: every row is
// checked, and if any is invalid nothing is stored and the report lists
// each problem by row (as numbered in a spreadsheet, the header being row
// 1), column and message.
//
// Export writes exactly this layout, so importing an export changes
// nothing. Exported text cells that begin with =, +, -, @, a tab or a
// carriage return are prefixed with a single quote so a spreadsheet never
// runs them as formulas; import removes that one quote again from a value
// that begins with a quote followed by one of those characters.
package parties
