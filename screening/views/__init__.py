"""Views are short functions, split by audience: patient, review; errors for when things fail."""
