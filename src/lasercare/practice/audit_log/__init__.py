"""The audit log's page for the people who read it: filters, a patient picker and the CSV export.

Not part of the audit app: the page reads the patients app (a name search picks the patient), and the patients
app writes to the audit log, so the page sits above both (docs/architecture.md, layers)."""
