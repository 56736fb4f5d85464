"""French: « 3 décembre 2026 », « 3 décembre 2026 à 14:34 », « 1 500,00 »."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y à H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # a non-breaking space: "1 500" never splits across lines
NUMBER_GROUPING = 3
