# METADATA
# title: Dates
# description: |-
#   Dates are compared by calendar day in UTC. A date is written `YYYY-MM-DD`; a full RFC 3339
#   timestamp is accepted too (only its date counts), which is what YAML loaders that turn dates
#   into timestamps produce. The comparison uses integers (20260301), not time parsing, so an
#   invalid date never raises an evaluation error: it is reported as invalid instead.
package lib.dates

# The day of a date string as an integer YYYYMMDD; undefined when the string is not a date.
day(value) := (((to_number(parts[0]) * 100) + to_number(parts[1])) * 100) + to_number(parts[2]) if {
	is_string(value)
	regex.match(`^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([T ].*)?$`, value)
	parts := split(substring(value, 0, 10), "-")
}

# Today's date (UTC) as an integer YYYYMMDD.
today := (((date[0] * 100) + date[1]) * 100) + date[2] if {
	date := time.date(time.now_ns())
}

is_date(value) if day(value)

# A date as written in results: YYYY-MM-DD, whether data held it as a date or as a timestamp
# (some YAML loaders turn `2026-03-01` into `2026-03-01T00:00:00.000Z`), so messages read the
# same whichever loader read the data. Anything else is shown as it is.
text(value) := substring(value, 0, 10) if is_date(value)

else := value
