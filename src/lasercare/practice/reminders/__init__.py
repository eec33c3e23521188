"""E-mail reminders before and after each session, the patient's preferences, and the patient's own calendar."""
