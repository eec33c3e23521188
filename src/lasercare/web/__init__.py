"""What the practice apps and the site share beneath them both: dates and languages as patients read them, and
the app's public address."""
