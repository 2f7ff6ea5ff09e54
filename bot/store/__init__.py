"""The bot web service's database: bookings, blocked times, interests."""
